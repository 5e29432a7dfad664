"""Free text in the variant shapes: Chinese without spaces, English with titles, device names."""

from __future__ import annotations

import random
from collections.abc import Callable

from deidflow.entities import Entity
from deidflow.generate.variant.layers import Text, fullwidth
from deidflow.generate.variant.people import Someone
from deidflow.generate.variant.shapes import phone_shape

PERSON, PHONE, EMAIL = Entity.PERSON.value, Entity.PHONE_NUMBER.value, Entity.EMAIL_ADDRESS.value
# Chinese text that is NOT personal, with surname characters starting ordinary words.
PLAIN_ZH = (
    "空调不制冷，已经重启两次还是不行",
    "高温模式下噪音很大，马上要周末了请尽快处理",
    "冰箱门关不严，黄色指示灯一直闪",
    "洗衣机脱水时晃动厉害，林荫小区的师傅说要换减震器",
    "王牌产品质量还行，就是安装费有点贵",
    "周一上午到货，金额和订单不一致",
    "热水器显示E4故障码，固件版本v6.1.1.0",
    "APP一直提示网络异常，请检查",
)
PLAIN_EN = (
    "The app crashes after update 6.1.1.0 on Android 13.",
    "Fridge display shows error E4 since Monday.",
    "Washer is loud on spin cycle, build 20171223-22.",
    "Great service, May delivery was on time.",
    "Dryer stopped mid-cycle, code 0x80070005, tried version ~2.4.1.0 too.",
)
_DEVICES = ("HUAWEI", "iPhone", "小米手机", "OPPO Reno8", "的iPad")
_WIFI = ("的华为", "家的WiFi", "的小米路由器", "-5G", "的TP-LINK")
_APPLIANCES = ("的空调", "家的冰箱", "的洗衣机", "卧室空调", "的热水器")


def _given(person: Someone) -> str:
    return person.name.split()[0]


def _family(person: Someone) -> str:
    return person.name.split()[-1]


def _zh_glued_phone(rng: random.Random, p: Someone) -> Text:
    t = Text().add(rng.choice(("麻烦联系我", "请回电", "电话", "手机号：")))
    t.plant(PHONE, p.mobile, phone_shape(rng, p.mobile))
    return t.add("，").plant(PERSON, p.name).add(rng.choice(("", "。", "，谢谢")))


def _zh_intro(rng: random.Random, p: Someone) -> Text:
    t = Text().add(rng.choice(("我叫", "我是", "本人"))).plant(PERSON, p.name).add("，手机")
    t.plant(PHONE, p.mobile, phone_shape(rng, p.mobile))
    return t.add("，住在", p.address, "，", rng.choice(PLAIN_ZH))


def _zh_title(rng: random.Random, p: Someone) -> Text:
    t = Text().add(rng.choice(PLAIN_ZH), "。请联系").plant(PERSON, p.name)
    t.add(rng.choice(("先生", "女士", "")))
    return t.plant(PHONE, p.mobile).add("，邮箱").plant(EMAIL, p.email).add("，谢谢")


def _zh_courier(rng: random.Random, p: Someone) -> Text:
    t = Text().add("地址：", p.address, "，收件人").plant(PERSON, p.name).add("，电话")
    return t.plant(PHONE, p.mobile, phone_shape(rng, p.mobile))


def _en_single(rng: random.Random, p: Someone) -> Text:
    t = (
        Text()
        .add(rng.choice(("Hi, my name is ", "Hello, I am ", "This is ")))
        .plant(PERSON, _given(p))
    )
    t.add(". ", rng.choice(PLAIN_EN), " Call me on ")
    return t.plant(PHONE, p.mobile, phone_shape(rng, p.mobile)).add(".")


def _en_title(rng: random.Random, p: Someone) -> Text:
    t = Text().add(rng.choice(("Mr. ", "Mrs. ", "Ms. ", "Dr. "))).plant(PERSON, _family(p))
    return t.add(" called about the fridge. ", rng.choice(PLAIN_EN))


def _en_full(rng: random.Random, p: Someone) -> Text:
    t = Text().add(rng.choice(PLAIN_EN), " Regards, ").plant(PERSON, p.name)
    return (
        t.add(" (")
        .plant(EMAIL, p.email, fullwidth(p.email, "@") if rng.random() < 0.2 else None)
        .add(")")
    )


_ZH = (_zh_glued_phone, _zh_intro, _zh_title, _zh_courier)
_EN = (_en_single, _en_title, _en_full)


def feedback(rng: random.Random, p: Someone) -> Text:
    """Return a feedback message of ``p`` (Chinese without spaces for Chinese people)."""
    pick: Callable[[random.Random, Someone], Text] = rng.choice(_ZH if p.chinese else _EN)
    return pick(rng, p)


def plain_feedback(rng: random.Random) -> str:
    """Return a message with no personal value in it."""
    return rng.choice(PLAIN_ZH + PLAIN_EN)


def device_name(rng: random.Random, p: Someone) -> Text:
    """Return a phone's user-given name (`梁志强的HUAWEI`, `Dan's iPhone`)."""
    if p.chinese:
        suffix = rng.choice(_DEVICES)
        return (
            Text().plant(PERSON, p.name).add(suffix if suffix.startswith("的") else "的" + suffix)
        )
    return (
        Text().plant(PERSON, _given(p)).add("'s ", rng.choice(("iPhone", "Galaxy S21", "Pixel 7")))
    )


def wifi_name(rng: random.Random, p: Someone) -> Text:
    """Return a Wi-Fi SSID named after its owner (`梁艳的华为`)."""
    if p.chinese:
        return Text().plant(PERSON, p.name).add(rng.choice(_WIFI))
    return Text().plant(PERSON, _family(p)).add(rng.choice(("-Home", "_5G", " Family WiFi")))


def appliance_name(rng: random.Random, p: Someone) -> Text:
    """Return an appliance's name in the app (`王芳的空调`)."""
    if p.chinese:
        return Text().plant(PERSON, p.name).add(rng.choice(_APPLIANCES))
    return Text().plant(PERSON, _given(p)).add(rng.choice(("'s fridge", "'s AC", "'s washer")))
