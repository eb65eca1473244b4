"""Japanese: answer cues, out-of-office wording and reply furniture (see `phrases/__init__.py`).

Japanese has no spaces between words, so these cues carry no word boundaries; a refusal is mostly a verb
ending (できません, 難しいです), listed whole so that it is read before the polite words around it.
"""
from __future__ import annotations

from . import BUT, COND, DEFER, DELEGATE, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD, Language, any_of

CUES: list[tuple[str, str]] = [
    (HOSTILE, any_of(r"(?:もう)?(?:連絡|メール|送信)(?:は)?しないで", r"送らないで", r"迷惑です", r"配信停止")),
    (IRONY, any_of(r"はいはい", r"（笑）|\(笑\)", r"w{3,}")),
    (NO, any_of(
        r"(?:いえ|いいえ)、?(?:大丈夫|結構)です", r"結構です", r"遠慮(?:させて|いたし|します|しておきます)", r"お断り",
        r"差し控え", r"お受けできません", r"(?:でき|いたし)かねます", r"難しい(?:です|状況|かと)", r"やめておきます",
        r"興味(?:が|は)(?:ない|ありません|ございません)", r"時間が(?:取れ|とれ)(?:ない|ません)", r"できません",
        r"見送らせて", r"辞退", r"無理")),
    (NEUTRAL, any_of(r"申し訳(?:ありません|ございません|ない)(?:が|けれど)?", r"お世話になっております", r"ご連絡ありがとうございます",
                     r"ご無理のない", r"せっかくですが")),
    (HEDGE, any_of(
        r"検討", r"かもしれません", r"(?:わかり|分かり)ません", r"考えさせて", r"相談させて", r"教えていただけ",
        r"改めて", r"確認して(?:から)?", r"電話")),
    (DELEGATE, any_of(r"(?:CC|ＣＣ|cc)に", r"担当の", r"転送", r"担当者")),
    (DEFER, any_of(r"年明け", r"来月", r"来年", r"来週", r"落ち着いたら", r"後ほど", r"以降", r"戻りましたら")),
    (COND, any_of(r"であれば", r"でしたら", r"ならば", r"場合は", r"条件")),
    (YES, any_of(
        r"喜んで", r"ぜひ", r"是非", r"了解(?:です|しました)?", r"承知(?:しました|いたしました)", r"かしこまりました",
        r"大丈夫です", r"もちろん", r"いいですよ", r"紹介して(?:ください|いただけ)", r"ご紹介(?:ください|いただけ)",
        r"繋いで(?:ください|いただけ)", r"つないで(?:ください|いただけ)", r"楽しみ", r"お受けいたします", r"問題(?:ありません|ないです)", r"いいよ", r"紹介して")),
    (BUT, r"ただし|ただ、|けど|けれど"),
    (YES_WORD, any_of(r"はい", r"ええ", r"オッケー|OK|ok")),
    (NO, r"いいえ"),
]

LANGUAGE = Language(
    code="ja",
    cues=CUES,
    away=(r"不在", r"休暇(?:中|を)", r"出張", r"外出"),
    notice=(r"戻り次第", r"確認(?:が)?できません", r"急ぎの", r"ご連絡ください", r"返信(?:いたし|し)ます"),
    automatic=(r"自動(?:返信|応答)",),
    bounce=(r"配信(?:でき|され)ませんでした", r"送信できませんでした", r"宛先が見つかりません"),
    subjects=(r"自動(?:返信|応答)", r"不在"),
    bounce_subjects=(r"配信(?:不能|エラー|失敗)",),
    quote_headers=(r"\d{4}[年/]\d{1,2}[月/]\d{1,2}日?[^\n]{0,120}(?:に書きました|のメッセージ|<[^\n>]+>):",
                   r"[^\n]{1,80}(?:さんは書きました|に書きました):"),
    header_fields=("差出人", "送信日時"),
    mobile_footers=(r"(?:iphone|ipad|android)から送信",),
    sign_offs=(r"よろしくお願いいたします。?", r"よろしくお願いします。?"),
)
