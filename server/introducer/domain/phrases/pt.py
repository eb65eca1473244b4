"""Portuguese (Brazil and Portugal): answer cues, out-of-office wording and reply furniture."""
from __future__ import annotations

from . import BUT, COND, DEFER, DELEGATE, DEPENDS, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD, Language, any_of

_MONTH = (r"(?:janeiro|fevereiro|mar[çc]o|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"
          r"|jan|fev|mar|abr|mai|jun|jul|ago|set|out|nov|dez)")

CUES: list[tuple[str, str]] = [
    (DEFER, any_of(r"\bn[ãa]o antes d[eoa]\b")),
    (HOSTILE, any_of(
        r"\bpar[ea] de me (?:mandar|enviar|escrever|contatar|contactar)\b",
        r"\bn[ãa]o me (?:escreva|mande|contate|contacte|envie)s? mais\b", r"\bdescadastr\w*", r"\bspam\b",
        r"\bme deix[ae] em paz\b")),
    (IRONY, any_of(r"\bah,? claro\b", r"\bera tudo (?:o )?que eu precisava\b", r"\btodo o tempo do mundo\b",
                   r"\bk{3,}\b", r"\brsrs\b", r"\bt[áa] bom,? com certeza\b")),
    (NO, any_of(
        r"\bnem pensar\b", r"\bnem a pau\b", r"\bn[ãa]o,? obrigad[oa]\b", r"\bprefiro n[ãa]o\b",
        r"\bvou (?:ter que |ter de )?(?:recusar|passar)\b", r"\bteria (?:adorado|gostado)\b",
        r"\bn[ãa]o me sinto confort[áa]vel\b")),
    (NEUTRAL, any_of(
        r"\b(?:desculp[ae]|perd[ãa]o) (?:pela )?demora\b", r"\bsem (?:pressa|compromisso|press[ãa]o)\b",
        r"\bespero que (?:esteja|estejam) bem\b", r"\bse (?:achar|quiser|for [úu]til)\b", r"\bobrigad[oa] na mesma\b")),
    (YES, any_of(
        r"\bcom (?:todo (?:o )?)?prazer\b", r"\bcom certeza\b", r"\bsem problemas?\b", r"\bpode (?:nos )?apresentar\b",
        r"\bpode (?:mandar|fazer|seguir|sim)\b", r"\btopo\b", r"\bbora\b", r"\bfico (?:feliz|cont[ea]nte)\b",
        r"\bterei (?:todo o gosto|(?:o )?prazer|muito gosto)\b", r"\bcom gosto\b", r"\bpor mim,? (?:tudo bem|ok|pode)\b",
        r"\bclaro que sim\b", r"\bpor que n[ãa]o\b", r"\bde acordo\b", r"\bvamos nessa\b")),
    (HEDGE, any_of(
        r"\btalvez\b", r"\bn[ãa]o sei\b", r"\bn[ãa]o tenho certeza\b", r"\bdeixa (?:eu|me) pensar\b", r"\bvou pensar\b",
        r"\bte (?:respondo|falo|digo)\b", r"\bme liga\b", r"\ba gente conversa\b", r"\bmais (?:informa[çc][õo]es|detalhes)\b",
        r"\bpode ser\b", r"\bquem sabe\b", r"\bem princ[íi]pio\b")),
    (DEPENDS, r"\bdepende\b"),
    (NO, any_of(
        r"\bn[ãa]o (?:posso|consigo|vou conseguir|vou poder|d[áa])\b", r"\bn[ãa]o tenho (?:interesse|tempo)\b",
        r"\bsem tempo\b", r"\binfelizmente\b", r"\blamento\b", r"\bn[ãa]o (?:me )?(?:é|e) poss[íi]vel\b",
        r"\bn[ãa]o (?:é|e) (?:a minha|minha) [áa]rea\b", r"\bn[ãa]o (?:é|e) (?:o )?(?:momento|para mim)\b",
        r"\brecus\w+\b", r"\bdeclin\w+\b", r"\bn[ãa]o quero\b")),
    (DELEGATE, any_of(
        r"\bcopi(?:ar|ando|ei|o)\b[^.!?\n]{0,20}\b(?:minha|meu)\b", r"\bem c[óo]pia\b", r"\bencaminh\w+\b",
        r"\b(?:minha|meu) (?:colega|s[óo]ci[oa]|assistente)\b", r"\bcuida dess[ea]\b")),
    (DEFER, any_of(
        r"\bdepois d[eoa]s? (?:carnaval|festas|f[ée]rias|natal|ano novo)\b", rf"\b(?:em|a partir de|at[ée]) {_MONTH}\b",
        r"\bmais (?:para|pra) frente\b", r"\b(?:m[êe]s|ano) que vem\b", r"\bpr[óo]ximo (?:m[êe]s|ano)\b",
        r"\boutra hora\b", r"\bs[óo] depois\b", r"\bme procur[ae]\b", r"\bquando (?:eu )?voltar\b")),
    (COND, any_of(r"\bse\b(?=\s+\w)", r"\bdesde que\b", r"\bcontanto que\b", r"\bcaso\b")),
    (YES, any_of(r"\bmanda ver\b", r"\bpode avan[çc]ar\b", r"\baceito\b")),
    (NO, any_of(r"\bn[ãa]o vai rolar\b", r"\bn[ãa]o tenho disponibilidade\b", r"\bfoi mal\b")),
    (DEFER, any_of(r"\bsemana que vem\b", r"\bs[óo] (?:na|no|em|a partir|depois|semana|m[êe]s)\b", r"\bpr[óo]xima semana\b")),
    (BUT, r"\bmas\b(?=\s*\w)"),
    (YES_WORD, any_of(r"\bsim\b", r"\bclaro\b", r"\bok\b", r"\bbeleza\b", r"\b[óo]timo\b", r"\bperfeito\b",
                      r"\btudo bem\b", r"\bcerto\b")),
    (NO, r"(?:^|(?<=[\n.!?;:,(\-]))\s*n[ãa]o\b(?=\s*[,.!]|\s*$)"),
]

LANGUAGE = Language(
    code="pt",
    cues=CUES,
    markers=r"eu|voc[êe]|te|me|o|a|os|as|de|do|da|e|[ée]|para|mas|obrigad[oa]|que|com|uma?|meu|minha",
    negators=(r"n[ãa]o", r"nunca", r"jamais", r"nem"),
    away=(r"\bfora do escrit[óo]rio\b", r"\bde f[ée]rias\b", r"\bde licen[çc]a\b", r"\bausente\b", r"\bem viagem\b"),
    notice=(r"\bacesso limitado\b", r"\bem caso de urg[êe]ncia\b", r"\bassuntos urgentes\b", r"\bsem acesso ao e-?mail\b",
            r"\bobrigad[oa] pela sua mensagem\b"),
    automatic=(r"\b(?:resposta|mensagem) autom[áa]tica\b",),
    bounce=(r"\bn[ãa]o foi poss[íi]vel entregar\b", r"\bn[ãa]o (?:p[ôo]de|pode) ser entregue\b",
            r"\bendere[çc]o n[ãa]o (?:foi )?encontrado\b"),
    subjects=(r"\bresposta autom[áa]tica\b", r"\baus[êe]ncia\b", r"\bfora do escrit[óo]rio\b"),
    bounce_subjects=(r"\bfalha na entrega\b", r"\bn[ãa]o entregue\b", r"\bmensagem devolvida\b"),
    months={"janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "abril": 4, "maio": 5, "junho": 6, "julho": 7,
            "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12, "dez": 12},
    back=(r"\bretorno\b", r"\bvolto\b", r"\bestarei de volta\b", r"\bretornarei\b"),
    until=(r"\bat[ée]\b",),
    through=(),
    quote_headers=(r"Em\b(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?\bescreveu:",),
    header_fields=("De", "(?:Enviad[oa](?: em)?|Data)"),
    mobile_footers=(r"enviado do meu ", r"enviado de meu "),
    sign_offs=(r"abra[çc]os?", r"abs", r"atenciosamente", r"cumprimentos", r"beijos", r"bjs", r"obrigad[oa]",
               r"att", r"saudações", r"um abra[çc]o"),
)
