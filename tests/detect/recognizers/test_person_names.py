"""PersonNameRecognizer: titles, dictionary names, initials, cue phrases, Chinese cues."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from deidflow.detect.recognizers.person_names import PersonNameRecognizer
from deidflow.detect.spans import resolve_overlaps
from deidflow.entities import Entity

from .._helpers import prefilter_matches

CASES = [
    # Latin given + family name from the dictionaries
    ("Please call Kristy Montgomery back at 555.", ["Kristy Montgomery"]),
    ("Reach me at a@b.com, thanks - Amber Garrison", ["Amber Garrison"]),
    # hyphenated given name, German particle
    ("Bitte Karl-Peter Bonbach unter 030 zurückrufen.", ["Karl-Peter Bonbach"]),
    ("Mit freundlichen Grüßen\nHans-Jürgen von Müller\nTel. 1", ["Hans-Jürgen von Müller"]),
    # the peers' misses: single names after cues, titles, initials
    ("Hi, my name is Dan.", ["Dan"]),
    ("my name is dan", ["dan"]),  # lower case only after a self-introduction, known names
    ("Mr. Mayers called about the refund", ["Mayers"]),
    ("The letter was signed by Richard M. Nixon.", ["Richard M. Nixon"]),
    ("J. R. R. Tolkien wrote it", ["J. R. R. Tolkien"]),
    ("I am Dan, the owner", ["Dan"]),
    ("This is Dan from support", ["Dan"]),
    ("call me Ishmael.", ["Ishmael"]),
    ("Regards,\nDan", ["Dan"]),
    ("signed, Dan", ["Dan"]),
    ("contact: Dan", ["Dan"]),
    ("Name: Xochitl Quispe", ["Xochitl Quispe"]),  # strong cue: names outside the lists
    ("Me llamo Lucía y mi lavadora no funciona", ["Lucía"]),
    ("Je m'appelle Jean-Pierre", ["Jean-Pierre"]),
    ("Ich heiße Jürgen.", ["Jürgen"]),
    ("Frau Dr. Weber bittet um Rückruf", ["Weber"]),
    ("Sra. García pidió una devolución", ["García"]),
    ("M. Dupont attend le technicien", ["M. Dupont"]),  # also read as an initial: covered
    ("Sir Ian McKellen narrated it", ["Ian McKellen"]),
    ("My husband Robert set it up", ["Robert"]),
    ("Andrew said the unit was dented", ["Andrew"]),  # a known given name alone
    ("Megan's Pixel 7", ["Megan"]),  # possessive
    ("Liam O'Brien left a review", ["Liam O'Brien"]),  # not `O` as an initial
    ("Zhang Wei from procurement", ["Zhang Wei"]),  # romanised Chinese, family name first
    ("Sent from my iPhone. - Rachel", ["Rachel"]),
    # capitalised words that are not names
    ("Please Call Back Soon", []),
    ("The Smart Watch Pro", []),
    ("New York City office", []),
    ("Best Regards", []),
    ("I am Happy with it", []),
    ("Will the part arrive in May?", []),
    ("I live in Jordan", []),
    ("Dear Customer, thanks", []),
    ("A. Introduction B. Installation", []),
    ("Surface(name=SurfaceView - com.tencent.qt)", []),  # an identifier, not a name
    ("Name: McDonald", ["McDonald"]),
    ("the U.S. Army tested it", []),
    ("Wasser holen, sagte die Frau. Helfen Sie", []),  # `Frau.` ends a sentence
    # Chinese names after a cue word
    ("联系人：张伟\n手机：138", ["张伟"]),
    ("我是李娜，邮箱 a@b.cn", ["李娜"]),
    ("请联系王秀英，电话 138", ["王秀英"]),
    ("我叫欧阳娜娜，冰箱坏了", ["欧阳娜娜"]),  # compound surname
    ("我叫张伟今年三十岁", ["张伟"]),  # the given name stops before `今`
    ("经办人：高峰", ["高峰"]),  # a common word after a strong cue is a name
    # before a title; a surname alone with a title
    ("王磊经理您好", ["王磊"]),
    ("请王先生明天回电", ["王"]),
    ("感谢司马懿先生", ["司马懿"]),
    # owner of a device
    ("梁志强的HUAWEI", ["梁志强"]),
    ("梁艳的华为", ["梁艳"]),
    ("程辉雨家的WiFi", ["程辉雨"]),
    ("林萍丽卧室空调", ["林萍丽"]),  # before a room
    ("我是肖志涛，手机138", ["肖志涛"]),  # a common surname missing from Faker's list
    ("客厅空调", []),
    # standing alone after a phone number, inside running text
    ("麻烦联系我18230625248，周秀兰", ["周秀兰"]),  # a known given name at the very end
    ("联系张伟", ["张伟"]),
    ("昨天张伟给我打电话", ["张伟"]),
    ("张伟在上海", ["张伟"]),
    # Chinese words that start with a surname character
    ("王府井在北京", []),
    ("周末去张家口玩", []),
    ("很高兴认识你", []),
    ("语文老师很认真", []),
    ("项目经理明天出差", []),
    ("联系人：销售部", []),
    ("这是我的手机", []),
    ("方向：东南", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_person_names(text: str, expected: list[str]) -> None:
    results = PersonNameRecognizer().analyze(text, ["PERSON"])
    assert all(0 <= r.start < r.end <= len(text) for r in results)
    found = [text[start:end] for _, start, end, _, _ in resolve_overlaps(0, results)]
    assert sorted(found) == sorted(expected)
    if expected:
        assert prefilter_matches(text, Entity.PERSON)


def test_other_entities_are_not_analysed() -> None:
    assert PersonNameRecognizer().analyze("Kristy Montgomery", ["EMAIL_ADDRESS"]) == []


@pytest.mark.parametrize(
    "line",
    [  # shapes of public Android, HealthApp, Windows CBS, HDFS, OpenSSH and Linux logs
        "03-17 16:13:38.874  1702  2395 I ActivityManager: Start proc 2227:com.android."
        "systemui/u0a23 for service com.android.systemui/.SystemUIService",
        "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
        "2016-09-28 04:30:31, Info                  CBS    Starting the TrustedInstaller main "
        "loop.",
        "2016-09-28 04:30:31, Info                  CBS    SQM: Initializing online with Windows "
        "opt-in: False",
        "081109 203807 222 INFO dfs.DataNode$PacketResponder: Received block "
        "blk_-6952295868487656571 of size 67108864 from /10.251.42.84",
        "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from "
        "173.234.31.186 port 38926 ssh2",
        "Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)",
        "Jul  1 09:01:05 calvisitor-10-105-160-95 com.apple.CDScheduler[43]: Thermal pressure "
        "state: 1 Memory pressure state: 0",
    ],
)
def test_machine_log_lines_hold_no_person(line: str) -> None:
    assert PersonNameRecognizer().analyze(line, ["PERSON"]) == []


def test_column_gates_give_the_same_spans_as_analyze() -> None:
    texts = [text for text, _ in CASES] + ["Kind regards,\nMaximilian", "Best, the Team"]
    recognizer = PersonNameRecognizer()
    (region, gate), *_ = recognizer.region_prefilters().items()
    opened = pc.match_substring_regex(pa.array(texts), gate).to_pylist()
    for text, is_open in zip(texts, opened, strict=True):
        gated = recognizer.analyze_regions(text, {region} if is_open else set())
        assert gated == recognizer.analyze(text, ["PERSON"]), text
