"""French: answer cues, out-of-office wording and reply furniture (see `phrases/__init__.py`)."""
from __future__ import annotations

from . import BUT, COND, DEFER, DELEGATE, DEPENDS, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD, Language, any_of

_MONTH = (r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre"
          r"|janv|f[ée]vr?|avr|juil|sept|oct|nov|d[ée]c)")

CUES: list[tuple[str, str]] = [
    (HOSTILE, any_of(
        r"\b(?:arr[êe]te[sz]?|cessez|cesse) de m'(?:[ée]crire|envoyer|contacter|relancer)",
        r"\bne (?:me )?(?:contacte[sz]?|[ée]cri[st]|[ée]crivez|relance[sz]?) plus\b", r"\bd[ée]sinscri\w*",
        r"\bfous?-moi la paix\b", r"\bspam\b")),
    (IRONY, any_of(r"\bc'est [çc]a,? oui\b", r"\bet puis quoi encore\b", r"\boh (?:oui|g[ée]nial|super|bien s[uû]r)\b",
                   r"\bencore un(?:e)? (?:autre )?(?:fondat|start)", r"\bmdr\b", r"\bj'ai que [çc]a [àa] faire\b")),
    (NO, any_of(
        r"\bquand les poules auront des dents\b", r"\bhors de question\b",
        r"\bj'aurais (?:bien )?(?:ador[ée]|aim[ée]|voulu)\b", r"\bnon,? merci\b", r"\bsans fa[çc]on\b",
        r"\bpas (?:[àa] l'aise|confortable)\b")),
    (NEUTRAL, any_of(
        r"\b(?:d[ée]sol[ée]e?s?|pardon) (?:pour|du) (?:le |mon )?retard\b", r"\bn'h[ée]site[sz]? pas\b(?! [àa] (?:me|nous))",
        r"\bj'esp[èe]re que (?:tu vas|vous allez) bien\b", r"\bsi (?:[çc]a|cela) (?:peut )?(?:t'|vous |)aide\w*",
        r"\bsi tu (?:veux|penses|le souhaites)\b", r"\bsi vous (?:voulez|pensez|le souhaitez)\b",
        r"\bpas de pression\b", r"\bsans (?:obligation|pression)\b")),
    (YES, any_of(
        r"\bpas de (?:probl[èe]me|souci|soucis)\b", r"\baucun (?:probl[èe]me|souci)\b", r"\bavec (?:grand )?plaisir\b",
        r"\bvolontiers\b", r"\bpourquoi pas\b", r"\bje veux bien\b", r"\b[çc]a me (?:va|convient)\b",
        r"\b[çc]a marche\b", r"\bvas[- ]y\b", r"\ballez[- ]y\b", r"\bbien s[uû]r\b", r"\bbien entendu\b",
        r"\b[ée]videmment\b", r"\bd'accord\b", r"\bok pour moi\b", r"\bpartante?\b",
        r"\b(?:ravie?s?|heureux|heureuse|content[e]?) de\b", r"\bje serai(?:s)? (?:ravie?|heureux|heureuse|content[e]?)\b",
        r"\bmets?-nous en (?:relation|contact)\b", r"\bfais(?:-nous)? les pr[ée]sentations\b",
        r"\b(?:me|nous) mettre en (?:copie|relation|contact)\b", r"\bsans probl[èe]me\b")),
    (HEDGE, any_of(
        r"\bpeut-[êe]tre\b", r"\bje ne sais pas\b", r"\bje sais pas\b", r"\bpas (?:s[uû]re?|certaine?|convaincue?)\b",
        r"\blaisse[sz]?-moi\b", r"\bje (?:vais|dois) (?:y )?r[ée]fl[ée]chir\b", r"\br[ée]fl[ée]chir\b",
        r"\bje reviens vers\b", r"\bje te (?:redis|dis)\b", r"\bje vous (?:redis|dis)\b", r"\ben savoir plus\b",
        r"\bplus de (?:d[ée]tails|contexte|pr[ée]cisions|infos?)\b", r"\bappelle[sz]?-moi\b", r"\bon en (?:parle|reparle)\b",
        r"\b[àa] voir\b", r"\b[ée]ventuellement\b", r"\ben principe\b")),
    (DEPENDS, any_of(r"\b[çc]a d[ée]pend\b", r"\bselon\b")),
    (NO, any_of(
        r"\bpas (?:disponible|dispo|int[ée]ress[ée]e?|le temps|le bon moment|pour moi|mon domaine|possible|vraiment)\b",
        r"\bne (?:peux|pourrai|pourrais|souhaite|veux|suis|vais)\b[^.!?\n]{0,25}\bpas\b",
        r"\bn'ai (?:pas|plus) (?:le temps|de temps|la disponibilit)", r"\bje pr[ée]f[èe]re (?:ne pas|d[ée]cliner|[ée]viter|m'abstenir|passer)",
        r"\bd[ée]clin(?:er|e)\b", r"\bmalheureusement\b", r"\bh[ée]las\b", r"\bd[ée]bord[ée]e?\b",
        r"\bje passe(?: mon tour)?\b", r"\bce n'est pas\b", r"\bimpossible\b", r"\bne pas (?:transmettre|donner|partager)\b",
        r"\bje ne souhaite pas\b")),
    (DELEGATE, any_of(
        r"\b(?:je )?(?:mets?|met) en copie\b", r"\ben copie\b", r"\bje (?:transf[èe]re|transmets)\b",
        r"\b(?:ma|mon) (?:coll[èe]gue|associ[ée]e?|assistante?)\b", r"\bqui s'occupe\b", r"\bmieux plac[ée]e?\b")),
    (DEFER, any_of(
        r"\bapr[èe]s (?:les (?:f[êe]tes|vacances)|no[ëe]l|le nouvel an)\b", r"\bplut[ôo]t (?:en|apr[èe]s|dans|vers)\b",
        r"\bpas avant\b", r"\ble mois prochain\b", r"\bl'ann[ée]e prochaine\b",
        rf"\b(?:en|d[èe]s|jusqu'[àa]|[àa] partir de|d'ici) (?:{_MONTH}|la rentr[ée]e)\b", r"\bplus tard\b",
        r"\bune autre fois\b", r"\bdans (?:quelques|deux|trois) (?:semaines|mois)\b", r"\b[àa] la rentr[ée]e\b",
        r"\brecontacte[sz]?-moi\b", r"\bquand je (?:serai|suis) (?:de )?retour\b")),
    (COND, any_of(r"\bsi\b(?! ce n'est)", r"\b[àa] condition\b", r"\bpourvu que\b", r"\btant que\b", r"\bsous r[ée]serve\b",
                  r"\bdu moment que\b")),
    (YES, any_of(r"\bcertainement\b", r"\bavec joie\b", r"\bpr[ée]sente[sz]?-(?:nous|moi)\b", r"\bj'accepte\b")),
    (NO, any_of("\\bne m'int[ée]resse pas\\b", '\\bdire non\\b', '\\brefuser\\b', '\\bsans moi\\b')),
    (DEFER, any_of(r"\bau plus t[ôo]t\b", r"\bla semaine prochaine\b")),
    (BUT, r"\bmais\b(?=\s*\w)"),
    (YES_WORD, any_of(r"\boui\b", r"\bouais\b", r"\bok\b", r"\bd'acc\b", r"\bsuper\b", r"\bparfait\b", "\U0001F44D")),
    (NO, r"(?:^|(?<=[\n.!?;:,(\-]))\s*non\b"),
]

LANGUAGE = Language(
    code="fr",
    cues=CUES,
    markers=r"je|tu|vous|le|la|les|de|des|du|et|est|pour|pas|mais|merci|ce|[çc]a|avec|une?|moi|toi",
    negators=(r"pas", r"ne", r"n'", r"jamais", r"non"),
    away=(r"\babsente? du bureau\b", r"\ben cong[ée]\b", r"\ben vacances\b", r"\ben d[ée]placement\b",
          r"\bactuellement absente?\b", r"\bje suis absente?\b", r"\ben (?:arr[êe]t maladie|t[ée]l[ée]travail)\b"),
    notice=(r"\bacc[èe]s limit[ée]\b", r"\ben cas d'urgence\b", r"\bne sera pas (?:transf[ée]r[ée]|lu)\b",
            r"\bpour toute (?:demande|question|urgence)\b", r"\bmerci de (?:contacter|vous adresser)\b"),
    automatic=(r"\br[ée]ponse automatique\b", r"\bmessage automatique\b", r"\bceci est une r[ée]ponse\b"),
    bounce=(r"\bn'a pas pu [êe]tre (?:remis|distribu[ée]|d[ée]livr[ée]|envoy[ée])", r"\badresse (?:e-?mail )?introuvable\b",
            r"\b[ée]chec de (?:la )?(?:remise|distribution)\b"),
    subjects=(r"\br[ée]ponse automatique\b", r"\babsente?(?: ?\(e\))? du bureau\b", r"^(?:re\s*:\s*)?absence\b",
              r"\bmessage d'absence\b"),
    bounce_subjects=(r"\bnon remis\b", r"\b[ée]chec de (?:la )?remise\b", r"\bnon distribu[ée]\b"),
    months={"janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
            "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
            "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12},
    back=(r"\bde retour\b", r"\breviens\b", r"\breviendrai\b", r"\bretour (?:pr[ée]vu )?le\b", r"\bjoignable [àa] partir du\b"),
    until=(r"\bjusqu'au\b",),
    through=(r"\bjusqu'au\b(?=[^.!?\n]{0,30}\binclus)",),
    quote_headers=(r"Le\b(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?\ba [ée]crit\s?:",),
    header_fields=("De", "(?:Envoy[ée]|Date)"),
    mobile_footers=(r"envoy[ée] (?:de|depuis) (?:mon|l'app)",),
    sign_offs=(r"cordialement", r"bien cordialement", r"bien [àa] (?:toi|vous)", r"bonne (?:journ[ée]e|soir[ée]e)",
               r"amiti[ée]s", r"[àa] bient[ôo]t", r"merci", r"bises", r"salutations"),
)
