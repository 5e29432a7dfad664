"""Name dictionaries and stop lists for the model-free PERSON recognizer.

Given and family names come from the lists that ship with Faker (MIT licence, installed as a
dependency): en_US, en_GB, de_DE, fr_FR, es_ES, it_IT, nl_NL and the romanised zh_CN names for
Latin script; zh_CN / zh_TW surnames and given names for Chinese. The short curated lists here
(compound surnames, common given-name characters, stop words) fill what Faker's lists lack.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import NamedTuple

_LATIN_LOCALES = tuple(
    "en_US en_GB en_IE en_IN de_DE fr_FR es_ES es_MX it_IT nl_NL pt_BR pl_PL sv_SE tr_TR yo_NG"
    " ha_NG".split()
)
_HAN_LOCALES = ("zh_CN", "zh_TW")
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤"
    " 南宫 西门 百里 呼延 闻人 澹台 太史 申屠 公羊 万俟 钟离 拓跋 赫连 歐陽 司馬 諸葛 張簡"
    " 范姜".split()
)
# The most common surnames (Faker's lists lack some, e.g. `肖`).
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤"
)
# Characters common in Chinese given names beyond Faker's few hundred given names.
_GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍红华建国志文斌辉鹏波宇浩凯健俊"
    "帆帅旭宁龙林欣怡婷雪琳晶莉佳慧颖琪涵梓萱轩博航思雨然泽睿晨晓海峰亮成云飞鑫瑶倩彤蕾"
    "薇洁丹燕娇蓉珍凤梅琴菊莲春秋冬雯璐瑜瑾昊翔宏毅彬锋荣卫庆新利民振兴德福禄喜安康永长"
    "胜贵祥全才广玲晴岚妍嫣婕媛姗珊婉娅茜茹晗菲苗芸萌曦熙阳晖昕晟楠柏松桐森彦智聪捷坤乾"
    "鹤鸿莺鸣嘉子一小大立金银宝珠翠香淑惠贤露月星琦瑞祺麟骏驰腾毅诚信仁义礼勤俭良善正"
    "光辰彩蓓蕊芝芬芹萍雅静璇璟瑛琼瑶玮炜烨煜然豪杰三四五六七九懿儿远志铭宸奕弘淳朗逸"
)
# Common words that begin with a surname character: never a name without a cue.
HAN_STOPWORDS = frozenset(
    "王府 王府井 王国 张家口 张家界 高兴 高速 高级 高温 高铁 高中 高端 高度 周末 周年 周一 周二"
    " 周三 周四 周五 周六 周日 周边 周期 周到 黄金 黄色 白色 白天 白班 金额 金色 金属 李子 方便"
    " 方法 方式 方向 方案 方面 安全 安装 安排 安静 安心 万一 万元 于是 常见 常用 常规 明天 明年"
    " 明白 明显 明细 江苏 江西 马上 钱包 林业 何时 文件 文字 文明 车辆 关于 关闭 关注 关机 向前"
    " 原来 原因 时间 时候 包装 包括 包邮 项目 程序 东西 东南 东北 温度 石油 田园 雷达 龙头 谢谢"
    " 费用 毛巾 夏天 秋天 春天 春节 华为 华东 华南 华北 苏宁 邮件 邮箱 史上 应该 应用 成功 成本"
    " 成都 任何 任务 宁夏 汤圆 齐全 全部 全国 全新 红色 水平 余额 施工 管理 和平 平安 平台 平时"
    " 平板 康复 海尔 海外 海南 海鲜 海淀 朝阳 杭州 胡同 陆续 孙子 魏国 叶子 武汉 武器 严重 严格"
    " 路由 路由器 孔雀 顾客 顾问 唐朝 唐山 董事 梁上 宋朝 冯唐 邓小平 贾宝玉 丁香 杜绝 夏季"
    " 秦朝 秦岭 尹 岳父 岳母 易用 易碎 骆驼 毛病 伍佰 江湖 许多 许可 连接 连续 连忙 沈阳 曾经"
    " 彭湃 吕梁 苏州 卢沟桥 蒋介石 蔡 贾 丁 魏 程度 吴江 田地 姜汁 范围 方圆 石头 石家庄 钟点"
    " 钟表 汪洋 戴上 夏日 陈列 陈旧 余下 潘多拉 杜鹃 黎明 万达 乔迁 柳树 上海 上门 上午 司机"
    " 欧洲 欧元 东方 南方 北方 西方 西安 南京 北京 广州 深圳 天津 重庆 金山 万科 龙华 宝安"
    " 罗湖 福田 南山 白云 海珠 天河 黄埔 花都 番禺 顺德 佛山 东莞 惠州 珠海 中山 江门 湛江"
    " 云南 贵州 四川 湖南 湖北 河南 河北 山东 山西 辽宁 吉林 黑龙江 浙江 安徽 福建 台湾 香港"
    " 澳门 广西 内蒙古 新疆 西藏 青海 甘肃 陕西 付款 付费 支付 向导 温馨 温暖 高峰 高清 房间"
    " 房子 房东 房屋 景色 景点 水电 水箱 水温 申请 师傅 谭 段落 段时间 雷雨 洪水 洪峰 邱".split()
)
# Surnames that are above all everyday words (`于` at, `时` time, `和` and): a name starting
# with one is taken only after a cue, a title or before `的` + a device.
HAN_WORDLIKE_SURNAMES = frozenset(
    "于时和向全明安万关包成任文东海水余费车原代上门从能来那都还这过应可年后前多少花山平同双"
    "宁古易申以开老新也"
)
# Capitalised words that follow a name cue or given name but are not names.
LATIN_STOPWORDS = frozenset(
    "The A An And Or But If So Not No Yes Hi Hello Dear Sir Madam All Everyone Team Support"
    " Family Familie Famille Home House Household WiFi Wifi WLAN Guest Network Router"
    " Customer Customers Client Service Services Sales Admin Administrator Manager Friend"
    " Friends Guys Folks User Users World There Here Please Thanks Thank Regards Best Kind"
    " Sincerely Cheers Street St Road Rd Avenue Ave Lane Drive Boulevard Way Square Park City"
    " Town County State River Lake Mountain Mount Bay Beach Island Valley Hill Hills Station"
    " Airport Hospital University College School Church Center Centre Office Company Inc Ltd"
    " LLC Corp Group Bank Hotel Restaurant Store Shop Mall Market Day Week Month Year Monday"
    " Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June"
    " July August September October November December English French German Spanish Chinese"
    " Japanese Korean Italian Russian American British Canadian Australian Indian European"
    " Asian African Mexican Brazilian Dutch Swiss Christian Muslim Jewish Catholic Happy Sorry"
    " Interested Unable Writing Calling Looking Having Still Just Also Very Really Now Then"
    " New Old Great Good Bad Urgent Important Final Free Online Home Pro Max Plus Mini Ultra"
    " Edition Version Series Model Phone Watch Smart Air Book Pad Studio Cloud App Apps Mail"
    " Account Order Orders Delivery Payment Invoice Refund Return Warranty Repair Dept"
    " Department Ministry Council Committee Board Republic Kingdom Union United Western"
    " Eastern Northern Southern North South East West Central Grand Royal National"
    " International Global General Public Private Saint Our Your My His Her Their This That"
    " These Those It Its We You They He She Me Us Them Is Are Was Were Be Been Will Would"
    " Can Could Should Must Might Shall Do Does Did Have Has Had Get Got Let Make".split()
)
# Given names that are also everyday words or places: a name only next to a known surname.
AMBIGUOUS_GIVEN = frozenset(
    "Will May June April August Mark Bill Grace Hope Joy Faith Rose Lily Daisy Iris Ruby"
    " Pearl Amber Crystal Summer Autumn Dawn Eve Art Rich Chase Page Sky Hunter Carter Mason"
    " Cooper Parker Taylor Jordan Austin Dallas Paris Victoria Florence Georgia Virginia"
    " Carolina Sydney Chelsea Lincoln Washington Jackson Madison Tyler Dean Guy Sterling Major"
    " Price Frank Don Drew Gene Holly Ivy Angel Precious Destiny Unique China India Al Ed Max"
    " Pat Ray Lane Long Young Reed Wade Star Sunny Happy Justice Royal King Prince Princess"
    " Carmen Mercedes Santiago Sofia Berlin Florida Nevada Montana Dakota Houston Phoenix"
    " Jersey Brooklyn Memphis Orlando Camden Adelaide Regina Alexandria Charlotte Nancy"
    " Lorraine Marion Ali Bay Cash Clay Cole Ford Gray Grant Green Hall Hill Jewel Jet Lee"
    " Love Marsh Miles Noble Park Rock Ross Rowan Sage Scout Stone Storm True Valentine West"
    " Wolf Wolfe Mac Apple Case Hero Kind Link Meadow Rain River Shade Journey Legend Lucky"
    " Harmony Heaven Honey Melody Miracle Serenity Story Trinity Christian Easter Rory Ryder"
    " Reno Tally Mary Kim Ken Jan Ole Bo Di Le Li Yu Shu Tao Ping Till Lo Na Om Toy Sol Tan Bali"
    " Eden Cruz Luz Paz Nova Vega Isis Lex Sole Saga Kick Fem Mar Del Che Gil Lage Evde Baba Eta"
    " Alba Aura Flor Mare Pier Bas Cas Dom Dev Sai Sem Uno Vide Ulu Ale Amor Argu Ante Said Sep"
    " Tor Tore Ture Milan Chance Summer Winter Autumn Spring Sunday Monday Friday Mercy Patience"
    " Prudence Constance Charity Felicity Liberty Harley Porsche Tesla Lexus Siri Alexa Cortana"
    " Echo Kindle Nest Ring Roomba Galaxy Pixel Android Nokia Oppo Vivo Honor Xiaomi Dick Darin"
    " Pero Nada Domingo Blanca America Beau Mari Ville Demi Signe Fleur Roman Deviner Bar"
    " Delta Alpha Beta Sigma Omega Gamma Zeta Jan Feb Apr Jun Jul Aug Sept Oct Nov Dec Mon Tue"
    " Wed Thu Fri Sat Sun".split()
)


class NameLists(NamedTuple):
    """Dictionaries the PERSON recognizer looks names up in."""

    given: frozenset[str]
    ambiguous_given: frozenset[str]
    family: frozenset[str]
    han_surnames: frozenset[str]
    han_given_chars: frozenset[str]
    romanized_surnames: frozenset[str]
    han_given_names: frozenset[str]


def _faker_names(locale: str, attribute: str) -> set[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    names = getattr(provider, attribute, ())
    return {str(n) for n in (names.keys() if isinstance(names, dict) else names)}


def _everyday_words() -> set[str]:
    """Capitalised forms of Faker's common English words, US states and country names."""
    lorem = importlib.import_module("faker.providers.lorem.en_US").Provider
    address = importlib.import_module("faker.providers.address.en_US").Provider
    words = {str(w).title() for w in lorem.word_list}
    places = {p for p in (*address.states, *address.countries) if " " not in p}
    return words | places


@cache
def name_lists() -> NameLists:
    """Return the dictionaries (built once from Faker's locale data and the lists above)."""
    given: set[str] = set()
    family: set[str] = set()
    for locale in _LATIN_LOCALES:
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            given |= {n for n in _faker_names(locale, attribute) if " " not in n}
        family |= {n for n in _faker_names(locale, "last_names") if " " not in n}
    given |= _faker_names("zh_CN", "first_romanized_names")
    romanized = _faker_names("zh_CN", "last_romanized_names")
    ambiguous = set(AMBIGUOUS_GIVEN) | _everyday_words()
    family |= romanized
    surnames = set(COMPOUND_SURNAMES | COMMON_SURNAMES)
    given_chars = set(_GIVEN_CHARS)
    han_given: set[str] = set()
    for locale in _HAN_LOCALES:
        surnames |= _faker_names(locale, "last_names")
        han_given |= _faker_names(locale, "first_names")
    given_chars |= set("".join(han_given))
    return NameLists(
        frozenset(given),
        frozenset(ambiguous & given),
        frozenset(family),
        frozenset(surnames),
        frozenset(given_chars),
        frozenset(romanized),
        frozenset(han_given),
    )
