"""PersonNameRecognizer: dictionary names with cues, tricky positives and negatives."""

from __future__ import annotations

import pytest

from deidflow.detect.recognizers.person_names import PersonNameRecognizer

CASES = [
    # Latin given + family name from the dictionaries
    ("Please call Kristy Montgomery back at 555.", ["Kristy Montgomery"]),
    ("Reach me at a@b.com, thanks - Amber Garrison", ["Amber Garrison"]),
    # hyphenated given name, German particle
    ("Bitte Karl-Peter Bonbach unter 030 zurückrufen.", ["Karl-Peter Bonbach"]),
    ("Mit freundlichen Grüßen\nHans-Jürgen von Müller\nTel. 1", ["Hans-Jürgen von Müller"]),
    # Chinese names after a cue word
    ("联系人：张伟\n手机：138", ["张伟"]),
    ("我是李娜，邮箱 a@b.cn", ["李娜"]),
    ("请联系王秀英，电话 138", ["王秀英"]),
    # Chinese name before a title
    ("王磊经理您好", ["王磊"]),
    # capitalised words that are not names
    ("Please Call Back Soon", []),
    ("The Smart Watch Pro", []),
    ("New York City office", []),
    ("Best Regards", []),
    # a Han string without a cue is not a name (precision over recall)
    ("张伟在上海", []),
    # a cue followed by a non-name
    ("联系人：销售部", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_person_names(text: str, expected: list[str]) -> None:
    results = PersonNameRecognizer().analyze(text, ["PERSON"])
    longest: dict[int, str] = {}
    for r in results:  # overlapping candidates resolve to the longest, as find_spans does
        span = text[r.start : r.end]
        if not any(r.start >= s and r.end <= s + len(v) for s, v in longest.items()):
            longest[r.start] = span
    assert sorted(longest.values()) == sorted(expected)


def test_other_entities_are_not_analysed() -> None:
    assert PersonNameRecognizer().analyze("Kristy Montgomery", ["EMAIL_ADDRESS"]) == []
