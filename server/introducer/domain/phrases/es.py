"""Spanish: answer cues, out-of-office wording and reply furniture (see `phrases/__init__.py`)."""
from __future__ import annotations

from . import BUT, COND, DEFER, DELEGATE, DEPENDS, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD, Language, any_of

_MONTH = (r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
          r"|ene|feb|mar|abr|jun|jul|ago|sept?|oct|nov|dic)")

CUES: list[tuple[str, str]] = [
    (DEFER, any_of(r"\bno antes de\b")),
    (HOSTILE, any_of(
        r"\bdeja(?:d|r)? de (?:escribirme|enviarme|contactarme|mandarme|molestarme)\b",
        r"\bno me (?:escribas|escriba|contactes|contacte|mandes|env[íi]es) m[áa]s\b", r"\bspam\b",
        r"\bdar(?:me)? de baja\b", r"\bd[ée]jame en paz\b")),
    (IRONY, any_of(r"\bya,? claro\b", r"\bjusto lo que (?:necesitaba|me faltaba)\b", r"\bj[aeo]j[aeo]\w*\b",
                   r"\bcomo si (?:no )?tuviera\b")),
    (NO, any_of(
        r"\bcuando las ranas cr[íi]en pelo\b", r"\bni de broma\b", r"\bni loc[oa]\b", r"\bni hablar\b",
        r"\bmejor no\b", r"\bno,? gracias\b", r"\bprefiero no\b", r"\blo dejamos\b",
        r"\bme habr[íi]a (?:encantado|gustado)\b", r"\bno me siento c[óo]mod[oa]\b")),
    (NEUTRAL, any_of(
        r"\b(?:perd[óo]n|disculpa|siento) (?:por )?(?:la demora|el retraso|tardar)\b", r"\bsin (?:prisa|compromiso|presi[óo]n)\b",
        r"\bespero que (?:est[ée]s|est[ée]n|te encuentres) bien\b", r"\bsi (?:te parece|crees|quieres|lo ves [úu]til)\b")),
    (YES, any_of(
        r"\bclaro que s[íi]\b", r"\bpor supuesto\b", r"\bcon (?:mucho )?gusto\b", r"\bencantad[oa]s?\b",
        r"\bme encantar[íi]a\b", r"\bme parece (?:bien|genial|perfecto|estupendo|fenomenal)\b", r"\badelante\b",
        r"\bdale\b", r"\bsin (?:ning[úu]n )?problema\b", r"\bning[úu]n problema\b", r"\bser[áa] un placer\b",
        r"\bun placer\b", r"\bcuenta conmigo\b", r"\bpres[ée]ntanos\b", r"\bponnos en contacto\b", r"\bdesde luego\b",
        r"\bpor qu[ée] no\b", r"\bde acuerdo\b")),
    (HEDGE, any_of(
        r"\bquiz[áa]s?\b", r"\btal vez\b", r"\ba lo mejor\b", r"\bno (?:lo )?s[ée]\b", r"\bno estoy segur[oa]\b",
        r"\bd[ée]jame\b", r"\blo pienso\b", r"\bpensarlo\b", r"\bte (?:digo|confirmo) algo\b", r"\bll[áa]mame\b",
        r"\blo hablamos\b", r"\bm[áa]s (?:informaci[óo]n|detalles|contexto)\b", r"\bcu[ée]ntame m[áa]s\b",
        r"\bpuede ser\b", r"\ben principio\b", r"\btengo que (?:consultarlo|pensarlo|verlo|hablarlo)\b")),
    (DEPENDS, r"\bdepende\b"),
    (NO, any_of(
        r"\bno (?:puedo|podr[ée]|podr[íi]a|voy a poder)\b", r"\bno me interesa\b", r"\bno (?:tengo|dispongo de) tiempo\b",
        r"\bno (?:estoy|me es|es) (?:disponible|posible)\b", r"\blo siento\b", r"\blamentablemente\b",
        r"\bdesafortunadamente\b", r"\bpor desgracia\b", r"\bdeclin[oa]\w*\b", r"\brechaz\w+\b",
        r"\bno es (?:el momento|mi [áa]rea|lo m[íi]o|mi campo)\b", r"\bdemasiad[oa]s? (?:proyectos|trabajo|cosas)\b",
        r"\bno (?:es|ser[íi]a) (?:un )?buen momento\b", r"\bpaso\b", r"\bno quiero\b")),
    (DELEGATE, any_of(
        r"\b(?:te )?pongo en copia\b", r"\ben copia\b", r"\breenv[íi]o\b", r"\bmi (?:compa[ñn]er[oa]|colega|socio|asistente)\b",
        r"\bse encarga\b", r"\blleva (?:estos|esos) temas\b")),
    (DEFER, any_of(
        r"\bdespu[ée]s de (?:las fiestas|navidad|(?:las )?vacaciones|reyes|a[ñn]o nuevo)\b", r"\bm[áa]s adelante\b",
        r"\bel (?:mes|a[ñn]o) que viene\b", r"\bel pr[óo]ximo (?:mes|a[ñn]o|trimestre)\b", rf"\b(?:en|a partir de|hasta) {_MONTH}\b",
        r"\botro momento\b", r"\bdentro de (?:unas|unos|un par de) (?:semanas|meses)\b", r"\bcuando vuelva\b")),
    (COND, any_of(r"\bsi\b(?=\s+[^\s,.!])", r"\bsiempre (?:y cuando|que)\b", r"\bcon tal de que\b", r"\ba condici[óo]n de\b",
                  r"\bmientras (?:sea|no)\b")),
    (YES, any_of(r"\bde una\b", r"\bpres[ée]ntame\b", r"\bacepto\b", r"\bp[áa]sale mi\b")),
    (NO, any_of(r"\bno me encaja\b", r"\bno me viene bien\b")),
    (DEFER, any_of(r"\bcomo muy pronto\b", r"\bla (?:semana|pr[óo]xima semana) que viene\b", r"\bla pr[óo]xima semana\b")),
    (BUT, r"\bpero\b(?=\s*\w)"),
    (YES_WORD, any_of(r"\bs[íi]\b(?=\s*[,.!]|\s*$)", r"\bs[íi]\b", r"\bclaro\b", r"\bvale\b", r"\bok\b", r"\bgenial\b",
                      r"\bperfecto\b", r"\bestupendo\b")),
    (NO, r"(?:^|(?<=[\n.!?;:,(\-]))\s*no\b(?=\s*[,.!]|\s*$)"),
]

LANGUAGE = Language(
    code="es",
    cues=CUES,
    markers=r"yo|tu|te|me|el|la|los|las|de|del|y|es|para|pero|gracias|que|con|una?|mi|lo",
    negators=(r"no", r"nunca", r"jam[áa]s"),
    away=(r"\bfuera de (?:la )?oficina\b", r"\bde vacaciones\b", r"\bde baja\b", r"\bausente\b", r"\bde viaje\b"),
    notice=(r"\bacceso limitado\b", r"\b(?:asuntos|temas) urgentes\b", r"\bpara cualquier consulta\b",
            r"\bno estoy revisando\b", r"\bgracias por su (?:mensaje|correo)\b", r"\ben caso de urgencia\b"),
    automatic=(r"\b(?:mensaje|respuesta) autom[áa]tic[oa]\b",),
    bounce=(r"\bno se (?:ha )?podido entregar\b", r"\bno (?:se )?pudo (?:ser )?entregar\b",
            r"\bel buz[óo]n [^.\n]{0,40}no existe\b"),
    subjects=(r"\brespuesta autom[áa]tica\b", r"\bfuera de (?:la )?oficina\b", r"^(?:re\s*:\s*)?ausente\b"),
    bounce_subjects=(r"\bno se puede entregar\b", r"\bno entregado\b", r"\bno se pudo entregar\b"),
    months={"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
            "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12, "ene": 1},
    back=(r"\bvolver[ée]\b", r"\bde vuelta\b", r"\bregreso\b", r"\bvuelvo\b", r"\bestar[ée] disponible\b"),
    until=(r"\bhasta\b",),
    through=(r"\bhasta el [^.!?\n]{0,25}\binclusive\b",),
    quote_headers=(r"El\b(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?\bescribi[óo]:",),
    header_fields=("De", "(?:Enviado|Fecha)"),
    mobile_footers=(r"enviado desde mi ",),
    sign_offs=(r"saludos", r"saludos cordiales", r"un saludo", r"un abrazo", r"atentamente", r"gracias", r"abrazos",
               r"besos", r"cordialmente"),
)
