"""What to call a person in a greeting, from the name as written.

Greeting with the first word of a name is right for "Ann Lee" and wrong for "Nguyễn Văn An", where
the family name comes first. We cannot know every naming custom, so the rule is: greet with the
first word only when it is very likely a given name, and otherwise with the full name ("Hi Nguyễn
Văn An" is polite; "Hi Nguyễn" is not). The user can always say what to call someone.
"""
from __future__ import annotations

import unicodedata

HONORIFICS = frozenset({"dr", "prof", "mr", "mrs", "ms", "mx", "sir", "dame"})
_QUOTES = "\"'“”‘’«»"

# Family names that lead the name in their own custom (Vietnamese, Chinese, Korean) and are almost
# never given names in English. Compared without accents and case.
_FAMILY_FIRST = frozenset("""
    nguyen tran pham hoang huynh vo vu dang bui ngo duong dinh trinh doan luong
    wang zhang liu chen yang huang zhao zhou xu sun zhu guo luo gao zheng xie tang feng deng cao
    peng zeng xiao tian pan yuan cai jiang du ye cheng wei su ding ren shen yao qian xiong
    choi jung kang cho yoon jang lim shin seo kwon hwang ahn
""".split())
# Family names that are also common given names in English ("Kim Smith", "Lee Child"): family
# name first only when what follows looks like a Korean given name ("Kim Min-jun").
_AMBIGUOUS_FAMILY = frozenset({"kim", "lee", "park", "le", "ly", "ho", "do", "han", "song", "oh", "ma", "hu"})


def fold(word: str) -> str:
    """Lower case without accents: "Nguyễn" → "nguyen"."""
    decomposed = unicodedata.normalize("NFKD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _words(name: str) -> list[str]:
    words = [w.strip(_QUOTES) for w in name.split()]
    return [w for w in words if w]


def _family_name_first(words: list[str]) -> bool:
    first = fold(words[0]).rstrip(".")
    if first in _FAMILY_FIRST:
        return True
    if first in _AMBIGUOUS_FAMILY and len(words) > 1:
        return "-" in words[1] or len(words) > 2 and fold(words[1]) in {"van", "thi", "duc", "minh"}
    # "NGUYEN Van An", "SMITH John": a word in capitals marks the family name.
    return len(words) > 1 and words[0].isupper() and len(words[0]) > 2 and not words[1].isupper()


def greeting_name(name: str, email: str = "") -> str:
    """The name after "Hi": "Ann Lee" → "Ann", "Lee, Ann" → "Ann", "Dr. Ann Lee" → "Ann",
    "Nguyễn Văn An" → "Nguyễn Văn An" (unsure: the full name), "" → the address's local part.
    """
    name = " ".join(name.split())
    if "," in name:
        before, after = name.split(",", 1)
        # "Lee, Ann" is surname-first, written so on purpose; "Ann Lee, PhD" keeps its first part.
        if len(before.split()) == 1 and after.strip():
            return greeting_name(after)
        name = before
    words = _words(name)
    titled = list(words)
    while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
        words.pop(0)
    if len(words) == 1 and len(titled) > 1:
        return " ".join(titled)  # "Ms. Okafor", not "Hi Okafor"
    if not words:
        return email.split("@")[0]
    if len(words) == 1:
        return words[0]
    first = words[0]
    # An initial ("J. Smith") or a family name first: the full name is the safe greeting.
    if len(first.rstrip(".")) <= 1 or first.endswith(".") or _family_name_first(words):
        return " ".join(words)
    return first
