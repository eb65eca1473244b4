"""Italian: answer cues, out-of-office wording and reply furniture (see `phrases/__init__.py`)."""
from __future__ import annotations

from . import BUT, COND, DEFER, DELEGATE, DEPENDS, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD, Language, any_of

_MONTH = (r"(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
          r"|gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)")

CUES: list[tuple[str, str]] = [
    (DEFER, any_of(r"\bnon prima d[ie]\b")),
    (HOSTILE, any_of(
        r"\bsmett(?:i|ila|etela|a) di (?:scrivermi|mandarmi|contattarmi|inviarmi)\b", r"\bnon (?:scrivermi|contattarmi) pi[ùu]\b",
        r"\bspam\b", r"\bcancellami\b", r"\blasciami in pace\b")),
    (IRONY, any_of(r"\bcome no\b", r"\bproprio quello che mi (?:serviva|mancava)\b", r"\bah(?:ah)+\b",
                   r"\bnon ho (?:proprio )?nient'altro da fare\b")),
    (NO, any_of(
        r"\bquando gli asini volano\b", r"\bneanche per sogno\b", r"\bnemmeno per sogno\b", r"\bpreferisco di no\b",
        r"\bno,? grazie\b", r"\bnon fa per me\b", r"\bmi sarebbe piaciuto\b", r"\bavrei (?:voluto|accettato)\b",
        r"\bnon mi sento a mio agio\b")),
    (NEUTRAL, any_of(
        r"\b(?:scusa|scusate|mi scuso)\b[^.!?\n]{0,10}\b(?:ritardo)\b", r"\bnessuna fretta\b", r"\bsenza (?:impegno|fretta)\b",
        r"\bspero (?:che )?(?:tu stia|stiate|lei stia) bene\b", r"\bse (?:vuoi|credi|pensi|ti sembra)\b",
        r"\bgrazie lo stesso\b")),
    (YES, any_of(
        r"\b(?:ben )?volentieri\b", r"\bcon piacere\b", r"\bcertamente\b", r"\bva (?:bene|benissimo)\b",
        r"\bnessun problema\b", r"\bd'accordo\b", r"\bprocedi\b", r"\bpresentaci\b", r"\bmettici (?:pure )?in contatto\b",
        r"\bsar[òo] (?:felice|lieto|lieta|contento|contenta)\b", r"\bmi fa piacere\b", r"\bnon vedo l'ora\b",
        r"\bperch[ée] no\b", r"\bci sto\b", r"\bassolutamente s[ìi]\b")),
    (HEDGE, any_of(
        r"\bforse\b", r"\bnon (?:lo )?so\b", r"\bnon sono sicur[oa]\b", r"\bfammi pensare\b", r"\bti faccio sapere\b",
        r"\bci penso\b", r"\bchiamami\b", r"\bne parliamo\b", r"\bpi[ùu] (?:informazioni|dettagli)\b", r"\bmagari\b",
        r"\bin linea di principio\b", r"\bdevo (?:pensarci|sentire|verificare)\b")),
    (DEPENDS, r"\bdipende\b"),
    (NO, any_of(
        r"\bnon (?:posso|potr[òo]|riesco|riuscir[òo])\b", r"\bnon ho tempo\b", r"\bnon sono interessat[oa]\b",
        r"\bpurtroppo\b", r"\bsommers[oa]\b", r"\bdeclin\w+\b", r"\bnon (?:è|e') (?:il mio campo|il momento|per me)\b",
        r"\bnon mi (?:interessa|è possibile)\b", r"\bmi dispiace\b", r"\bpasso\b", r"\bnon voglio\b")),
    (DELEGATE, any_of(
        r"\bmetto in copia\b", r"\bin copia\b", r"\binoltr\w+\b", r"\b(?:il mio|la mia) (?:collega|socio|socia|assistente)\b",
        r"\bsegue questi temi\b", r"\bsi occupa\b")),
    (DEFER, any_of(
        r"\bdopo le (?:feste|vacanze)\b", r"\bdopo (?:natale|capodanno)\b", rf"\b(?:a|in|da|entro) {_MONTH}\b",
        r"\brisentiamoci\b", r"\bpi[ùu] avanti\b", r"\bil mese prossimo\b", r"\bl'anno prossimo\b", r"\bun'altra volta\b",
        r"\bal mio rientro\b")),
    (COND, any_of(r"\bse\b(?=\s+\w)", r"\bpurch[ée]\b", r"\ba patto che\b", r"\bsempre che\b", r"\ba condizione che\b")),
    (YES, any_of(r"\bfigurati\b", r"\baccetto\b", r"\bcerto che s[ìi]\b")),
    (NO, any_of(r"\bdire di no\b", r"\bnon ce la faccio\b", r"\bmi spiace\b")),
    (DEFER, any_of(r"\bla prossima settimana\b", r"\bsettimana prossima\b")),
    (BUT, r"\bma\b(?=\s*\w)"),
    (YES_WORD, any_of(r"\bs[ìi]\b(?=\s*[,.!]|\s*$)", r"\bs[ìi]\b", r"\bcerto\b", r"\bok\b", r"\bperfetto\b", r"\bottimo\b",
                      r"\bsicuro\b")),
    (NO, r"(?:^|(?<=[\n.!?;:,(\-]))\s*no\b(?=\s*[,.!]|\s*$)"),
]

LANGUAGE = Language(
    code="it",
    cues=CUES,
    markers=r"io|tu|ti|mi|il|la|lo|le|di|del|della|e|è|per|ma|grazie|che|con|una?|non|sono",
    negators=(r"non", r"mai", r"n[ée]"),
    away=(r"\bfuori (?:ufficio|sede)\b", r"\bin ferie\b", r"\bin (?:maternit[àa]|malattia|congedo|trasferta)\b",
          r"\bassente\b"),
    notice=(r"\baccesso limitato\b", r"\bper urgenze\b", r"\bnon controllo la posta\b", r"\bin caso di urgenza\b",
            r"\bgrazie per (?:il|il suo) messaggio\b"),
    automatic=(r"\b(?:risposta|messaggio) automatic[oa]\b",),
    bounce=(r"\bnon (?:è|e') stato recapitato\b", r"\bimpossibile recapitare\b", r"\bindirizzo inesistente\b"),
    subjects=(r"\brisposta automatica\b", r"\bfuori (?:ufficio|sede)\b", r"^(?:r\s*:\s*)?assente\b"),
    bounce_subjects=(r"\bmancato recapito\b", r"\bnon recapitabile\b", r"\bimpossibile recapitare\b"),
    months={"gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
            "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12},
    back=(r"\brientrer[òo]\b", r"\brientro\b", r"\btorner[òo]\b", r"\bdi nuovo in ufficio\b"),
    until=(r"\bfino (?:al|a)\b",),
    through=(r"\bfino al [^.!?\n]{0,25}\bcompreso\b",),
    quote_headers=(r"Il\b(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?\bha scritto:",),
    header_fields=("Da", "(?:Inviato|Data)"),
    mobile_footers=(r"inviato da (?:iphone|il mio|ipad)",),
    sign_offs=(r"cordiali saluti", r"un saluto", r"saluti", r"a presto", r"ciao", r"grazie", r"un abbraccio",
               r"distinti saluti"),
)
