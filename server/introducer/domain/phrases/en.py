"""English: answer cues, out-of-office wording and reply furniture (see `phrases/__init__.py`)."""
from __future__ import annotations

from . import (COND, DEFER, DELEGATE, DEPENDS, ELSEWHERE, HEDGE, HOSTILE, IRONY, NEUTRAL, NO, YES, YES_WORD,
               Language, any_of)

_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
          r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)")
_END = r"(?=\s*(?:[.!,;\n]|$))"  # the phrase ends its clause ("I'm in!" but not "I'm in Chicago")

CUES: list[tuple[str, str]] = [
    # "Stop emailing me" refuses whatever else is said ("Yes, please stop emailing me about this.").
    (HOSTILE, any_of(
        r"\bstop (?:e-?mailing|messaging|contacting|writing to|spamming|bothering|pestering|sending) me\b",
        r"\b(?:do not|don'?t|never) (?:e-?mail|contact|write to|message) me\b", r"\btake me off\b",
        r"\bremove me from\b", r"\bunsubscribe\b", r"\bleave me alone\b", r"\bspam(?:ming|med)?\b",
        r"\bi never (?:agreed|signed up|asked)\b")),
    # Sarcasm: an eye-roll, "/s", "yeah right", "oh sure", "just what I needed".
    (IRONY, any_of(
        "\U0001F644", "\U0001F612", r"(?:^|\s)/s\b", r"\byeah,? right\b", r"\bsaid no one\b",
        r"\boh,? (?:sure|great|absolutely|yes|yeah|wonderful|fantastic|joy|goody|perfect|totally)\b",
        r"\b(?:just|exactly) what i (?:really )?need(?:ed)?\b", r"\bwhat i really need\b",
        r"\bnothing but (?:free )?time\b", r"\bas if\b")),
    # Never, whatever the words around it; a yes aimed at someone else ("..., but not with her").
    (NO, any_of(
        r"\bwhen pigs fly\b", r"\bwhen hell freezes over\b", r"\bafter i win the lottery\b", r"\bnot a chance\b", r"\bno way\b", r"\bnot happening\b", r"\bin your dreams\b",
        r"\b(?:lol|lmao|haha\w*),? no\b", r"\b(?:absolutely|definitely|certainly)[.!]+\s*not\b",
        r"\bnot comfortable\b", r"\buncomfortable\b",
        r"\b(?:but|just|only) not (?:with|for|to) (?:her|him|them|this one|that one|this person|that person)\b")),
    # The reply is about another person or another conversation.
    (ELSEWHERE, any_of(
        r"\b(?:the|a) wrong \w+", r"\bwrong (?:thread|e-?mail|person|address|chain)\b",
        r"\bmeant for (?:someone|somebody|my|another|a different)\b", r"\bsent (?:this|that|it) to the wrong\b")),
    # Agreement with a word that other cues read as a hand-off ("forward ... to").
    (YES, r"\blook(?:ing)? forward to (?:it|that|this|meeting|connecting|chatting|speaking|talking|hearing from"
          r"|the (?:intro\w*|call|chat|conversation|connection))\b"),
    # Legal footers and offers of other help answer nothing ("If you are not the intended recipient").
    (NEUTRAL, any_of(
        r"\bif you (?:are|were) not the (?:intended|named) (?:recipient|addressee)\b",
        r"\bif you (?:have )?received this (?:e-?mail|message|communication|transmission) in error\b",
        r"\b(?:happy|glad) to help (?:with |on )?(?:something|anything) else\b[^.!?\n]*",
        # modesty and scheduling are not conditions on the answer
        r"\bnot sure how (?:useful|helpful|much (?:help|use))\b[^.!?\n]*",
        r"\bif (?:she|he|they)(?:'s| is| are|'re) (?:around|free|available|in town)\b",
        # "not opposed." and "not at all, go ahead" answer "would you mind?"
        r"\bnot (?:opposed|at all)(?=\s*[,.!;\n]|\s*$)")),
    (NO, r"\bhappy with (?:our|my|the) (?:current|existing|present)\b"),
    (YES, r"\b(?:she|he|they) (?:can|could|may) (?:reach|contact|call|e-?mail|text) me\b"),
    (NO, any_of(r"\bno,? thanks?\b", r"\bno,? thank you\b", r"\bthanks,? but no\b")),
    # Politeness that contains cue words but answers nothing.
    (NEUTRAL, any_of(
        r"\b(?:sorry|apologies|apologize)\b(?: for| about)? (?:the |my )?(?:delay\w*|late|slow|tardy)\w*"
        r"(?: reply| response)?",
        r"\bsorry (?:it took|i took|to be slow)\b",
        r"\bno (?:worries|rush|pressure|hurry|stress|hard feelings|matter)\b",
        r"\bmake sure\b", r"\bi'?m sure\b", r"\bi am sure\b", r"\blet me know\b", r"\bdon'?t hesitate\b",
        r"\bnot only\b", r"\bhow are you\b", r"\bhope (?:you'?re|you are|all is|things are) (?:well|good)\b",
        # deference to the introducer is not a condition: "sure, if you think it helps"
        r"\bif (?:you need|there'?s anything|helpful|useful|that helps|it helps|you'?d like|you want|you like"
        r"|you think)\b",
        r"\bif (?:it'?s|it is|it would be|it'?d be|that'?s|that would be|this is) (?:helpful|useful|of use)\b",
        r"\bpass(?:ing)? along\b",
        r"\bpass(?:ing)? on (?:my|her|his|their|your) (?:details|e-?mail|number|contact|info\w*|apologies"
        r"|regards|best|thanks)\b")),
    # Affirmatives negated right after them, counterfactuals.
    (NO, any_of(
        r"\b(?:absolutely|definitely|certainly|of course|surely|really|sure|probably) not\b",
        r"\bwould(?:'ve| have) (?:loved|liked|been (?:happy|glad|keen)) to\b", r"\bcount me out\b")),
    # Idioms that agree although they contain a negation.
    (YES, any_of(
        r"\bno problem\b", r"\bnot a problem\b", r"\bno-?brainer\b", r"\bcan'?t wait\b", r"\bcannot wait\b",
        r"\bwhy not\b", r"\b(?:don'?t|do not) see why not\b", r"\bwouldn'?t miss it\b",
        r"\bhow could i (?:say no|refuse|resist)\b", r"\bcan'?t (?:say no|refuse|resist)\b",
        r"\b(?:don'?t|do not) mind\b", r"\bno objections?\b", r"\bno reason not to\b", r"\bwouldn'?t say no\b",
        r"\bcouldn'?t be happier\b")),
    (HEDGE, any_of(
        r"\bnot (?:[\w%]+ )?(?:sure|certain|convinced|clear)\b", r"\b(?:don'?t|do not) know\b", r"\bno idea\b",
        r"\bunsure\b", r"\buncertain\b", r"\bnot yet\b", r"\bnot opposed\b", r"\bnot at all\b",
        r"\bcan'?t (?:say|tell|commit|promise) (?:yet|for sure|right now)\b")),
    (DEPENDS, any_of(r"\b(?:it )?depends\b", r"\bdepending on\b")),
    # Refusals.
    (NO, any_of(
        r"\bnot (?:interested|keen|looking|available|taking|accepting|able|in a position|for me|the right time"
        r"|the best time|a (?:good|great) time|(?:a |the )?(?:good |great |right )?fit|right now|now"
        r"|at (?:the|this) (?:moment|time|point|stage|minute)|at present|currently|this time|today"
        r"|going to (?:work|happen|be possible))\b",
        r"\b(?:isn'?t|is not|'s not|wasn'?t)\s+(?:a |the )?(?:(?:good|great|right|best|ideal)\s+)?"
        r"(?:time|fit|match|moment)\b",
        r"\bnot (?:the )?(?:right|best|ideal|correct) (?:person|contact|fit|one)\b",
        r"\b(?:can'?t|cannot|can not|won'?t be able|will not be able|wouldn'?t be able|unable|not able)\b")),
    (NO, any_of(
        r"\b(?:i'?ll|i will|i'?d|i would|i'?m going to|i am going to|going to|gonna|have to|must|will have to)"
        r" (?:politely |respectfully |regretfully |have to )?(?:pass|decline|say no|sit this one out|bow out)\b",
        r"\b(?:hard|a) pass\b", r"\bpass (?:on|this time|for now|for me)\b", r"\bdeclin(?:e|ing)\b",
        r"\b(?:skip|sit out|give (?:this|it) a miss)(?: on)? (?:this|it)\b", r"\brather not\b", r"\bprefer not\b",
        r"\b(?:isn'?t|is not|not) (?:really |quite )?(?:something|an area|my area|my wheelhouse|my expertise"
        r"|my field)\b")),
    (NO, any_of(
        r"\b(?:don'?t|do not|doesn'?t|does not) (?:think|feel|believe) (?:so|it|this|that|i|we|she|he|they)\b",
        r"\b(?:don'?t|do not) (?:have|want|need)\b",
        rf"\bi'?m (?:good|all set|ok|okay)(?:{_END}|\s+(?:thanks|for now))",
        r"\bno longer\b", r"\bnope\b", r"\bnah\b",
        r"\b(?:wouldn'?t|won'?t|would not|will not) be (?:of )?(?:much |any |a lot of )?(?:help|use|value)\b")),
    (NO, any_of(
        r"\btoo busy\b", r"\bswamped\b", r"\bslammed\b", r"\bunderwater\b", r"\bmaxed out\b", r"\bat capacity\b",
        r"\bstretched(?: too)? thin\b", r"\bover-?committed\b", r"\boverextended\b",
        r"\bno (?:bandwidth|capacity|time)\b", r"\bplate is full\b", r"\bfull plate\b",
        r"\btoo much on my plate\b",
        r"\bunfortunately\b", r"\bsadly\b", r"\bregrettably\b", r"\bregretfully\b", r"\bafraid not\b",
        r"\bi'?m afraid\b")),
    # Someone else brought in: "adding my colleague", "cc'd Maria", "forwarding to our CTO".
    (DELEGATE, any_of(
        r"\b(?:adding|added|looping in|looped in|loop in|copying|copied|roping in|bringing in)"
        r" (?:in )?(?:my|our|\w+ (?:who|from|here|to this)|here)\b",
        r"\bforward(?:ing|ed)? (?:this |it |your note )?to\b", r"\bcc(?:'?ing|'?d|-ing|-ed|'ed)\b",
        r"\bcc (?:my|our|in)\b", r"\bwho (?:handles|manages|runs|leads|owns|covers|looks after)\b",
        r"\b(?:right|better|best) (?:person|contact|one) (?:for this|to (?:talk|speak|ask)|here|would be|is)\b",
        r"\b(?:reach out to|talk to|speak (?:to|with)|contact) (?:my|our) \w+",
        r"\b(?:my|our) (?:colleague|co-?worker|assistant|ea|chief of staff|team\w*|co-?founder|partner|deputy)\b"
        r"[^.!?\n]{0,40}\b(?:handles|manages|runs|leads|owns|covers|is better|would be better"
        r"|will (?:help|take|follow|reach))\b")),
    # Later, not now: "not until Q2", "after the holidays", "once our round closes".
    (DEFER, any_of(
        rf"\bnot (?:this|next|in|before|till) (?:week|month|quarter|year|{_MONTH}\b|q[1-4])", r"\bnot before\b",
        r"\bafter (?:she|he|they|we|i|you)(?:'s|'ve|'re| has| have| is| are| gets?)?\b",
        r"\b(?:i'?m|i am|i'?ll be|i will be|currently) (?:\w+ )?out of (?:the )?office\b", r"\booo\b",
        r"\bnot until\b", r"\buntil (?:after|then)\b",
        rf"\b(?:after|until|till|in|by|around|from) (?:q[1-4]|h[12]|{_MONTH}\b|the (?:new )?year|the holidays"
        r"|the (?:spring|summer|fall|autumn|winter)|next (?:month|quarter|year)"
        r"|a (?:few|couple(?: of)?) (?:weeks|months)|the end of (?:the|this) (?:month|quarter|year))",
        rf"\b(?:early|mid|late)[- ](?:{_MONTH}|q[1-4]|next)\b")),
    (DEFER, any_of(
        r"\blater (?:this|next|in the) (?:year|month|quarter|spring|summer|fall)\b", r"\b(?:some )?other time\b",
        r"\banother time\b", r"\bdown the (?:road|line)\b", r"\brevisit\b", r"\bcircle back\b",
        r"\breconnect (?:later|in|after)\b", r"\bhold off\b", r"\bpostpone\b",
        r"\bpush (?:this|it) (?:back|out)\b",
        r"\bwait (?:until|till|a (?:few|couple|bit)|for)\b",
        r"\bonce\b(?!\s+(?:again|more|or twice|before|a (?:week|month|year)))",
        r"\bwhen things (?:calm|settle|quiet)\w*", r"\bnext (?:month|quarter|year)\b",
        r"\b(?:on|upon) my return\b",
        r"\bwhen i(?:'m| am) back\b")),
    (COND, r"\b(?:if|unless|as long as|so long as|provided|providing|assuming|on (?:the )?condition|pending"
           r"|subject to|contingent on)\b"),
    (HEDGE, any_of(
        r"\b(?:maybe|perhaps|possibly|potentially|might|probably|tentatively|in principle|in theory|i guess"
        r"|i suppose|hmm+|instead|loop back|come back to you|revert)\b",
        r"\blet me (?:think|check|see|ask|confirm|get back|look|consult|talk|mull|sleep)\b",
        r"\bthink (?:about it|it over)\b", r"\bsleep on it\b", r"\bmull it over\b", r"\bget back to you\b",
        r"\blet you know\b", r"\bmore (?:info\w*|details|context|background)\b", r"\btell me more\b",
        r"\bopen to hearing\b", r"\bunderstand (?:the |a bit more )?(?:context|ask|goal|background)\b",
        r"\bwhat(?:'s| is) (?:this|it) about\b", r"\b(?:call me|give me a (?:call|ring|shout)|hop on a call)\b",
        r"\b(?:need|have) to (?:check|think|confirm|ask|talk)\b", r"\b(?:check|confirm|talk) with (?:my|our|the|legal|hr|compliance)\b",
        r"\brun it by\b",
        r"\b(?:check|confirm|talk|speak|chat|discuss|understand|know|see|hear)\b[^.!?\n]{0,40}\bfirst\b")),
    (YES_WORD, any_of(
        r"\b(?:yes|yeah|yep|yup|yea|sure|absolutely|definitely|certainly|of course|gladly|happily|for sure|ok"
        r"|okay)\b",
        r"\b(?:happy|glad|delighted|pleased|thrilled|keen|honou?red|excited) to\b", r"\blove to\b",
        r"\bwould love\b", r"\b(?:i'?d|i would) like to\b", r"\bmore than happy\b",
        r"\b(?:would|'d|will|'ll) be (?:happy|glad|delighted|pleased|keen|thrilled|honou?red|great|good|wonderful"
        r"|lovely|fantastic|helpful|useful|a pleasure|nice)\b",
        r"\b(?:i'?m|i am) (?:keen|game|interested)\b", rf"\b(?:i'?m|i am) (?:happy|glad|delighted|in){_END}",
        r"\b(?:i'?m|i am) (?:up for it|open to (?:it|that|this|chatting|meeting|connecting))\b",
        r"\bsounds (?:good|great|perfect|lovely|fantastic|wonderful|fine|like a plan)\b", r"\bthat works\b",
        r"\bworks for me\b", r"\bfine (?:by|with) me\b", r"\bgo ahead\b", r"\bgo for it\b", r"\bplease do\b",
        r"\bplease (?:introduce|connect|make|send|share|loop)\b", r"\b(?:introduce|connect) us\b",
        r"\bmake the (?:intro|introduction|connection)\b", r"\bcount me in\b", r"\bby all means\b",
        r"\bfeel free to (?:introduce|connect|share|pass|send|give|loop|cc)\b", r"\blet'?s do (?:it|this)\b",
        r"\bkeen\b", r"\binterested\b", r"^\W*do it\b", r"\bmy pleasure\b", r"\blove the idea\b", "\U0001F44D", "\U0001F44C")),
    # A bare "no" only as an answer: at a clause start before a pause or a refusal, or "say no".
    (NO, any_of(
        r"(?:^|(?<=[\n.!?;:,(\-])|\b(?:but|so|and|honestly|sorry|thanks|unfortunately|sadly|then))\s*no\b"
        r"(?=\s*(?:[,.!;:\-)\n]|$|thanks?\b|thank\b|sorry\b|for now\b|i\b|we\b|but\b|not\b))",
        r"\b(?:say|saying|answer is|it'?s a|that'?s a|a firm|a) no\b")),
]

LANGUAGE = Language(
    code="en",
    cues=CUES,
    markers=r"the|and|you|i|it|to|is|that|this|for|with|me|my|thanks|but",
    negators=(r"not", r"never", r"hardly", r"no", r"n't"),
    away=(
        r"\b(?:i am|i'm|i will be|i'll be|i'm currently|currently)\b[^.!?\n]{0,40}?\b(?:out of (?:the )?office|ooo"
        r"|away|out (?:until|till|through|thru|of)"
        r"|on (?:annual |parental |maternity |paternity |sick |medical |study )?leave"
        r"|on (?:vacation|holiday|holidays|sabbatical|pto)|travell?ing|at a conference|off[- ]?site|out sick"
        r"|offline)\b",
        r"\bout of (?:the )?office\b"),
    # Boilerplate a person does not write to someone they know: "I'm travelling, will reply when I'm back"
    # is a person's answer (unclear), "in my absence please contact ..." is a notice.
    notice=(
        r"\bin my absence\b", r"\blimited (?:e-?mail |internet )?(?:access|connectivity)\b",
        r"\bno access to (?:my )?e-?mail\b", r"\bfor anything urgent\b", r"\b(?:is|it'?s) urgent\b",
        r"\bfor (?:urgent|immediate) (?:matters|requests|issues|assistance|inquiries|enquiries|questions)\b",
        r"\bwill not be (?:forwarded|read)\b", r"\b(?:won't|will not|not) be checking\b",
        r"\bchecking (?:e-?mail|messages) (?:intermittently|periodically|sporadically|occasionally)\b",
        r"\bthank you for your (?:e-?mail|message|note)\b", r"\bthanks for your (?:e-?mail|message)\b",
        r"\bwill (?:respond|reply|answer)\b[^.!?\n]{0,40}\b(?:upon|on) my return\b"),
    automatic=(
        r"\b(?:this is an? )?(?:automatic(?:ally generated)?|automated|auto[- ]?generated)"
        r" (?:reply|response|message|notification|e-?mail)\b",
        r"\bauto[- ]?(?:reply|response|responder)\b",
        r"\bthis (?:mailbox|inbox|e-?mail address|address) is (?:not|no longer) (?:monitored|in use|active)\b",
        r"\byour (?:message|request) has been received\b",
        r"\bmailbox (?:is )?full\b", r"\b[45]\.\d\.\d{1,3}\b",  # SMTP enhanced status codes (RFC 3463)
        r"\bundeliverable\b", r"\b(?:user|recipient|mailbox)(?: address)? unavailable\b"),
    bounce=(
        r"\b(?:could ?n[o']t|could not|was ?n[o']t|wasn't|cannot|can't|unable to) be delivered\b",
        r"\bwasn't delivered to\b", r"\b(?:unable|failed) to deliver (?:your|the|this) message\b",
        r"\bdelivery (?:has )?failed\b", r"\bfailed permanently\b", r"\bpermanent (?:delivery )?failure\b",
        r"\baddress not found\b", r"\b(?:user|recipient|mailbox)(?: address)? (?:unknown|not found|rejected)\b"),
    subjects=(
        r"^(?:(?:re|aw|fw|fwd|sv|vs)\s*:\s*)*(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|auto\s*:"
        r"|out of (?:the )?office|ooo\b)",
        r"\b(?:out[- ]of[- ](?:the[- ])?office|automatic reply|auto-?reply)\b"),
    bounce_subjects=(
        r"undeliverable|undelivered|delivery status notification|mail delivery (?:failed|failure|subsystem)"
        r"|delivery failure|failure notice|returned (?:mail|to sender)",),
    months={m: i for i, ms in enumerate((
        "jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
        "aug august", "sep sept september", "oct october", "nov november", "dec december"), 1) for m in ms.split()},
    back=(r"\bback\b", r"\breturn(?:ing|s)?\b", r"\bin the office\b", r"\bavailable again\b", r"\breachable again\b"),
    until=(r"\buntil\b", r"\btill\b", r"\b'?til\b"),
    through=(r"\bthrough\b", r"\bthru\b"),
    quote_headers=(r"On\b(?=[^\n]*\d)[^\n]{0,200}(?:\n[^\n]{0,200}){0,2}?\bwrote:",),
    header_fields=("From", "(?:Sent|Date)"),
    mobile_footers=(r"sent from (?:my |outlook|yahoo|mail for|samsung|the )", r"sent via ", r"sent with ",
                    r"get outlook for ", r"download outlook for "),
    sign_offs=(r"best", r"best regards", r"best wishes", r"kind regards", r"warm regards", r"warmest regards",
               r"warmly", r"regards", r"many thanks", r"thanks", r"thank you", r"thanks so much", r"thanks again",
               r"thx", r"cheers", r"all the best", r"sincerely", r"yours", r"yours truly", r"talk soon",
               r"take care", r"rgds", r"br", r"with thanks"),
)
