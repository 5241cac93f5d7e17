"""Names of units and communities compared as people mean them.

Office spreadsheets spell one name many ways: full-width or half-width brackets and digits,
a space or an ideographic space (U+3000) typed inside, a zero-width space pasted from a web
page. ``clean_name`` is the form we store; ``name_key`` is the form two names are compared
by. ``SimilarNames`` finds the existing names a new one is probably meant to be (a typo or
two, the same name without 有限公司 or 村委会, a short form), so the preview can ask
“是否指…” instead of silently creating a near-duplicate.
"""

import re
import unicodedata

#: Characters that are invisible and never meant: zero-width spaces and joiners, the BOM.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef（）]"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<={_CJK})\s|\s(?={_CJK})")

#: Endings that name the kind of body rather than the body: set aside when comparing.
COMMON_SUFFIXES = sorted(
    [
        "股份有限公司", "有限责任公司", "有限公司", "分公司", "公司", "村民委员会", "居民委员会",
        "村委会", "居委会", "居民区", "社区", "委员会", "党总支", "党支部", "党委", "支部",
        "集团", "村",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
#: Names this short are too short for "one or two characters apart" to mean anything.
MIN_FUZZY_LENGTH = 4


def clean_name(value):
    """The name as stored: NFKC, Chinese brackets, no invisible or control characters,
    whitespace collapsed and dropped next to Chinese characters."""
    text = unicodedata.normalize("NFKC", str(value or "")).translate(INVISIBLE)
    text = "".join(ch for ch in text if ch in " \t\n\r\u3000" or unicodedata.category(ch)[0] != "C")
    text = _SPACES.sub(" ", text).strip()
    text = text.replace("(", "（").replace(")", "）")
    return _SPACE_NEXT_TO_CJK.sub("", text)


def name_key(value):
    """What two names are compared by: the stored form without spaces, case folded."""
    return clean_name(value).replace(" ", "").casefold()


def without_suffix(key):
    for suffix in COMMON_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def edit_distance(a, b, limit=2):
    """Levenshtein distance, or ``limit + 1`` once it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _deletions(key, depth=2):
    found = {key}
    frontier = {key}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


class SimilarNames:
    """Existing names indexed once, so each new name is checked in a few lookups.

    Typos are found through the names' two-character deletions (the SymSpell idea): two
    names within edit distance 2 share one. Suffixes and short forms go through dicts.
    """

    def __init__(self, names):
        self.by_key = {}
        self.by_deletion = {}
        self.by_stem = {}
        for name in names:
            key = name_key(name)
            self.by_key.setdefault(key, name)
            self.by_stem.setdefault(without_suffix(key), []).append(name)
            if len(key) >= MIN_FUZZY_LENGTH:
                for variant in _deletions(key):
                    self.by_deletion.setdefault(variant, set()).add(key)

    def similar(self, name, limit=3):
        """Existing names that ``name`` probably means, closest first (never itself)."""
        key = name_key(name)
        if not key:
            return []
        found = {}
        stem = without_suffix(key)
        for other in self.by_stem.get(stem, ()):
            found.setdefault(name_key(other), (0, other))
        if len(key) >= MIN_FUZZY_LENGTH:
            candidates = set()
            for variant in _deletions(key):
                candidates |= self.by_deletion.get(variant, set())
            for other_key in candidates:
                distance = edit_distance(key, other_key)
                if 0 < distance <= 2:
                    found.setdefault(other_key, (distance, self.by_key[other_key]))
        # A short form: the new name is the start of an existing one, or the reverse
        # (南圩 for 南圩居民区, 财政局 is not enough: at least two characters and a prefix).
        if len(stem) >= 2:
            for other_stem, others in self.by_stem.items():
                if (
                    other_stem != stem
                    and (other_stem.startswith(stem) or stem.startswith(other_stem))
                    and min(len(other_stem), len(stem)) >= 2
                ):
                    for other in others:
                        found.setdefault(name_key(other), (3, other))
        found.pop(key, None)
        return [name for _, name in sorted(found.values())[:limit]]
