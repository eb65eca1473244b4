"""German: answer cues, out-of-office wording and reply furniture (see `phrases/__init__.py`)."""
from __future__ import annotations

from . import BUT, COND, DEFER, DELEGATE, DEPENDS, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD, Language, any_of

_MONTH = (r"(?:januar|februar|m[äa]rz|april|mai|juni|juli|august|september|oktober|november|dezember"
          r"|jan|feb|m[äa]r|apr|jun|jul|aug|sept?|okt|nov|dez)")

CUES: list[tuple[str, str]] = [
    (HOSTILE, any_of(
        r"\bh[öo]r(?:en sie)? (?:bitte )?auf,? mi(?:r|ch)", r"\bschreib(?:en sie)? mir (?:bitte )?nicht mehr\b",
        r"\bkeine (?:weiteren )?(?:e-?mails|mails|nachrichten) mehr\b", r"\bkontaktier(?:en sie|e)? mich nicht\b",
        r"\babmelden\b", r"\bspam\b", r"\blass(?:en sie)? mich in ruhe\b")),
    (IRONY, any_of(r"\bgenau darauf (?:habe|hab) ich gewartet\b", r"\b(?:habe|hab) ja sonst nichts zu tun\b",
                   r"\bwas ich (?:gerade )?(?:wirklich )?brauche\b")),
    (NO, any_of(
        r"\bwenn schweine fliegen\b", r"\bauf keinen fall\b", r"\bkommt nicht in frage\b",
        r"\bh[äa]tte (?:ich )?(?:das )?(?:sehr )?gerne? (?:gemacht|geholfen)\b", r"\bw[äa]re (?:gerne? )?dabei gewesen\b",
        r"\bnein,? danke\b", r"\blieber nicht\b", r"\bleider nein\b", r"\bnicht wohl\b")),
    (NEUTRAL, any_of(
        r"\b(?:sorry|entschuldig\w*) (?:f[üu]r die )?(?:sp[äa]te|versp[äa]tete) antwort\b", r"\bkein stress\b",
        r"\bkeine eile\b", r"\bich hoffe,? (?:es geht dir|es geht ihnen|du bist|sie sind) gut\b",
        r"\bwenn (?:du|sie) (?:meinst|m[öo]chtest|willst|magst)\b", r"\bwenn es (?:hilft|n[üu]tzt)\b")),
    (YES, any_of(
        r"\bkein (?:problem|thema)\b", r"\bwarum nicht\b", r"\bgerne? doch\b", r"\bsehr gerne?\b",
        r"\bauf jeden fall\b", r"\beinverstanden\b", r"\bpasst\b(?! (?:leider |zeitlich |thematisch )*nicht)",
        r"\bmach (?:das|ruhig|gern)\b", r"\bmachen wir\b", r"\bstell(?:en sie)? uns (?:gerne? )?(?:einfach )?(?:per mail )?vor\b",
        r"\b(?:ich )?freue mich\b", r"\bklingt gut\b", r"\bselbstverst[äa]ndlich\b", r"\bnat[üu]rlich\b",
        r"\bstehe (?:ich )?(?:gerne? )?(?:f[üu]r [^.!?\n]{0,40})?zur verf[üu]gung\b", r"\bgern geschehen\b")),
    (HEDGE, any_of(
        r"\bvielleicht\b", r"\bwei(?:ß|ss) (?:ich )?(?:es )?nicht\b", r"\bnicht (?:so )?sicher\b", r"\beventuell\b",
        r"\bm[öo]glicherweise\b", r"\bmuss (?:erst|noch) (?:mal )?(?:mit|[üu]berlegen|nachdenken|schauen|kl[äa]ren)\b",
        r"\blass mich\b", r"\bich melde mich\b", r"\bruf(?:en sie)? mich (?:an|mal an)\b",
        r"\bmehr (?:infos?|informationen|details|kontext)\b", r"\berz[äa]hl mir mehr\b", r"\bgrunds[äa]tzlich\b",
        r"\bim prinzip\b", r"\b[üu]berlegen\b", r"\bnachdenken\b")),
    (DEPENDS, any_of(r"\bkommt (?:dar|d)rauf an\b", r"\bje nachdem\b")),
    (NO, any_of(
        r"\bleider\b", r"\bkein(?:e|en)? (?:interesse|zeit|kapazit[äa]t(?:en)?|vorstellung|bedarf)\b",
        r"\bnicht (?:interessiert|m[öo]glich|verf[üu]gbar|der richtige|die richtige|mein (?:thema|gebiet|bereich))\b",
        r"\b(?:geht|klappt|passt)(?: \w+){0,3} nicht\b", r"\bkann (?:ich )?(?:das )?(?:leider )?nicht\b",
        r"\babsagen\b", r"\bablehnen\b", r"\bm[öo]chte (?:das )?(?:lieber )?nicht\b", r"\bm[öo]chte keine\b",
        r"\bwill (?:das )?nicht\b", r"\bzu viel (?:los|zu tun)\b", r"\bbitte nicht\b", r"\b[üu]berlastet\b")),
    (DELEGATE, any_of(
        r"\bleite\b[^.!?\n]{0,40}\bweiter\b", r"\bweiterleiten\b", r"\bin (?:cc|kopie)\b", r"\bzust[äa]ndig\b",
        r"\bmeine[nm]? (?:kolleg(?:e|in|en)|assistent(?:in)?|mitarbeiter(?:in)?)\b")),
    (DEFER, any_of(
        r"\bim neuen jahr\b", r"\bnach (?:den feiertagen|weihnachten|dem urlaub|ostern|neujahr)\b",
        rf"\b(?:im|ab|bis) (?:{_MONTH}|fr[üu]hjahr|sommer|herbst)\b", r"\bn[äa]chste[nsm]? (?:woche|monat|jahr|quartal)\b",
        r"\bsp[äa]ter\b", r"\bein anderes mal\b", r"\bmeld(?:e dich|en sie sich|\s+dich)\b", r"\bnicht vor\b",
        r"\bwenn ich zur[üu]ck bin\b")),
    (COND, any_of(r"\bwenn\b", r"\bfalls\b", r"\bsofern\b", r"\bsolange\b", r"\bvorausgesetzt\b", r"\bunter der bedingung\b")),
    (YES, any_of(r"\bmach mal\b", r"\bfreu(?:e)? mich\b", r"\bgerne? bereit\b", r"\bich bin dabei\b")),
    (NO, any_of(r"\bpassen\b", r"\bfehlt (?:mir )?(?:\w+ )?(?:die|leider die) zeit\b", r"\bnichts f[üu]r mich\b")),
    (DEFER, any_of(r"\bfr[üu]hestens\b")),
    (BUT, r"\baber\b(?=\s*\w)"),
    (YES_WORD, any_of(r"\bja\b", r"\bjo\b", r"\bjep\b", r"\bgerne?\b", r"\bklar\b", r"\bokay\b", r"\bok\b", r"\bprima\b",
                      r"\bsuper\b", r"\bsehr gut\b")),
    (NO, r"(?:^|(?<=[\n.!?;:,(\-]))\s*nein\b"),
]

LANGUAGE = Language(
    code="de",
    cues=CUES,
    markers=r"ich|du|sie|der|die|das|und|ist|nicht|mit|mir|dich|dir|für|aber|danke|es|ein|eine",
    negators=(r"nicht", r"kein\w*", r"nie", r"niemals"),
    away=(r"\bnicht im b[üu]ro\b", r"\babwesend\b", r"\bim urlaub\b", r"\bin (?:elternzeit|mutterschutz)\b",
          r"\bauf dienstreise\b", r"\bau(?:ß|ss)er haus\b", r"\bbefinde mich (?:derzeit |zurzeit )?(?:im|in|auf)\b"),
    notice=(r"\bkeinen zugriff\b", r"\bin dringenden f[äa]llen\b", r"\bwird nicht weitergeleitet\b",
            r"\bwenden sie sich\b", r"\bvielen dank f[üu]r ihre (?:nachricht|e-?mail)\b", r"\beingeschr[äa]nkt\w* zugriff\b"),
    automatic=(r"\bautomatische (?:antwort|nachricht)\b", r"\bdies ist eine automatische\b"),
    bounce=(r"\bkonnte nicht zugestellt werden\b", r"\bunzustellbar\b", r"\bempf[äa]nger\w* wurde nicht gefunden\b"),
    subjects=(r"\bautomatische antwort\b", r"\babwesenheit\w*\b", r"^(?:aw\s*:\s*)?abwesend\b", r"\bnicht im b[üu]ro\b"),
    bounce_subjects=(r"\bunzustellbar\b", r"\bnicht zustellbar\b", r"\bzustellung fehlgeschlagen\b"),
    months={"januar": 1, "jan": 1, "februar": 2, "märz": 3, "maerz": 3, "mär": 3, "april": 4, "mai": 5, "juni": 6,
            "juli": 7, "august": 8, "september": 9, "oktober": 10, "okt": 10, "november": 11, "dezember": 12,
            "dez": 12},
    back=(r"\bzur[üu]ck\b", r"\bab (?:dem|den)?\b", r"\bwieder (?:erreichbar|im b[üu]ro|da)\b"),
    until=(r"\bbis\b",),
    through=(r"\bbis (?:einschlie(?:ß|ss)lich|inklusive|inkl\.)",),
    quote_headers=(r"Am\b(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?\bschrieb\b[^\n]{0,120}:",),
    header_fields=("Von", "(?:Gesendet|Datum)"),
    mobile_footers=(r"von meinem \w+ gesendet", r"gesendet von meinem "),
    sign_offs=(r"viele gr[üu](?:ß|ss)e", r"beste gr[üu](?:ß|ss)e", r"liebe gr[üu](?:ß|ss)e", r"lg", r"vg",
               r"mit freundlichen gr[üu](?:ß|ss)en", r"freundliche gr[üu](?:ß|ss)e", r"gr[üu](?:ß|ss)e", r"danke",
               r"herzliche gr[üu](?:ß|ss)e", r"bg", r"ciao"),
)
