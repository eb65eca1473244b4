"""Dutch: answer cues, out-of-office wording and reply furniture (see `phrases/__init__.py`)."""
from __future__ import annotations

from . import BUT, COND, DEFER, DELEGATE, DEPENDS, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD, Language, any_of

_MONTH = (r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
          r"|jan|feb|mrt|apr|jun|jul|aug|sep|okt|nov|dec)")

CUES: list[tuple[str, str]] = [
    (DEFER, any_of(r"\bniet (?:voor|v[óo][óo]r)\b")),
    (HOSTILE, any_of(
        r"\bstop (?:alsjeblieft |alstublieft )?met (?:mailen|e-?mailen|berichten|mij te mailen)\b",
        r"\bmail me niet meer\b", r"\bniet meer (?:mailen|contacteren|benaderen)\b", r"\buitschrijven\b", r"\bspam\b",
        r"\blaat me met rust\b")),
    (IRONY, any_of(r"\bja ja\b", r"\bprecies waar ik op zat te wachten\b", r"\b(?:ik )?heb verder niks te doen\b",
                   r"\bhaha\w*\b")),
    (NO, any_of(
        r"\bhad ik (?:graag|best) gedaan\b", r"\bliever niet\b", r"\bnee,? (?:bedankt|dank je|dank u)\b", r"\bik pas\b",
        r"\bgeen sprake van\b", r"\bvoel me (?:er )?niet prettig\b")),
    (NEUTRAL, any_of(
        r"\bsorry voor (?:de|mijn) (?:late|trage) reactie\b", r"\bgeen haast\b", r"\bhoop dat (?:het goed gaat|alles goed is)\b",
        r"\bals (?:je|u) (?:wilt|denkt)\b", r"\bals het helpt\b")),
    (YES, any_of(
        r"\bgeen probleem\b", r"\bmet (?:alle )?plezier\b", r"\bakkoord\b", r"\bdoe maar\b", r"\bis goed\b",
        r"\bprima hoor\b", r"\bja hoor\b", r"\bjazeker\b", r"\bnatuurlijk\b", r"\btuurlijk\b",
        r"\bstel ons (?:maar )?(?:aan elkaar )?voor\b", r"\bik (?:ga|praat|spreek) graag\b", r"\bklinkt goed\b",
        r"\bhelemaal goed\b", r"\bwaarom niet\b", r"\bzeker\b(?! niet)", r"\bgraag\b(?! gedaan)", r"\btop\b",
        r"\bleuk\b")),
    (HEDGE, any_of(
        r"\bmisschien\b", r"\bweet (?:het |ik )?(?:niet|nog niet)\b", r"\bniet zeker\b", r"\bnadenken\b", r"\bbel me\b",
        r"\bbespreken\b", r"\bmeer (?:info|informatie|details|context)\b", r"\blaat (?:het )?(?:je|u) weten\b",
        r"\bin principe\b", r"\beventueel\b", r"\bwellicht\b")),
    (DEPENDS, r"\bhangt (?:er )?(?:van )?af\b"),
    (NO, any_of(
        r"\bhelaas\b", r"\bgeen (?:tijd|interesse|ruimte|capaciteit)\b", r"\bniet ge[ïi]nteresseerd\b",
        r"\blukt(?: \w+){0,3} niet\b", r"\bkan (?:ik )?(?:het )?niet\b", r"\bniet (?:mijn vakgebied|het juiste moment|voor mij)\b",
        r"\bpast (?:me |mij )?niet\b", r"\bafzeggen\b", r"\bafslaan\b", r"\bwil (?:ik )?(?:het )?niet\b")),
    (DELEGATE, any_of(
        r"\bin de cc\b", r"\b(?:mijn|onze) collega\b", r"\bdoorsturen\b", r"\bstuur\b[^.!?\n]{0,30}\bdoor\b",
        r"\bgaat hierover\b")),
    (DEFER, any_of(
        r"\bna de (?:feestdagen|vakantie|kerst)\b", r"\bpas (?:na|in|volgend\w*)\b", rf"\bin {_MONTH}\b",
        r"\bvolgende (?:week|maand)\b", r"\bvolgend jaar\b", r"\blater\b", r"\been andere keer\b")),
    (COND, any_of(r"\bals\b", r"\bmits\b", r"\bzolang\b", r"\bop voorwaarde\b")),
    (YES, any_of(r"^\W*doen\b", r"\bgraag bereid\b")),
    (NO, any_of(r"\bsla\b[^.!?\n]{0,20}\bover\b", r"\bniet (?:\w+ )?lukken\b")),
    (DEFER, any_of(r"\bvolgende week\b")),
    (BUT, r"\bmaar\b(?=\s*\w)"),
    (YES_WORD, any_of(r"\bja\b", r"\bok[eé]?\b", r"\bprima\b", r"\bgoed\b")),
    (NO, r"(?:^|(?<=[\n.!?;:,(\-]))\s*nee\b"),
]

LANGUAGE = Language(
    code="nl",
    cues=CUES,
    markers=r"ik|je|jij|u|het|een|de|niet|dat|van|maar|wel|mijn|dank|en|is|met|voor|om",
    negators=(r"niet", r"geen", r"nooit"),
    away=(r"\bafwezig\b", r"\bop vakantie\b", r"\bmet (?:verlof|vakantie)\b", r"\bniet op kantoor\b", r"\bbuiten kantoor\b"),
    notice=(r"\bbeperkt toegang\b", r"\bdringende zaken\b", r"\blees mijn e-?mail niet\b", r"\bbedankt voor uw bericht\b",
            r"\bwordt niet doorgestuurd\b"),
    automatic=(r"\bautomatisch (?:antwoord|bericht)\b",),
    bounce=(r"\bkon niet worden afgeleverd\b", r"\bonbestelbaar\b", r"\bniet (?:worden )?afgeleverd\b"),
    subjects=(r"\bautomatisch antwoord\b", r"^(?:re\s*:\s*)?afwezig\b", r"\bafwezigheidsmelding\b", r"\bniet op kantoor\b"),
    bounce_subjects=(r"\bonbestelbaar\b", r"\bniet afgeleverd\b"),
    months={"januari": 1, "februari": 2, "maart": 3, "mrt": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
            "augustus": 8, "september": 9, "oktober": 10, "okt": 10, "november": 11, "december": 12},
    back=(r"\bvanaf\b", r"\bterug\b", r"\bweer (?:bereikbaar|aanwezig|op kantoor)\b"),
    until=(r"\btot\b",),
    through=(r"\btot en met\b", r"\bt/m\b"),
    quote_headers=(r"Op\b(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?\b(?:schreef\b[^\n]{0,120}|het volgende geschreven):",),
    header_fields=("Van", "(?:Verzonden|Datum)"),
    mobile_footers=(r"verstuurd (?:vanaf|van) mijn ", r"verzonden (?:vanaf|van) mijn "),
    sign_offs=(r"groetjes", r"groet(?:en)?", r"met vriendelijke groet(?:en)?", r"hartelijke groet(?:en)?", r"mvg",
               r"vriendelijke groet(?:en)?", r"dank", r"bedankt", r"gr"),
)
