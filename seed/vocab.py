"""Word lists for the demo district: place names, given names of that generation, notes a clerk writes.

Names are invented from common Zhejiang place-name parts so that no row points at a real community.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


DISTRICT_NAME = "示范区"

STREET_STEMS = _words(
    "文澜 明德 望江 临湖 锦溪 安和 长乐 清波 丰泽 崇文 永兴 嘉禾 启明 兴华 惠民 春晖 怡康 景芳 慧园 和睦"
)
TOWN_STEMS = _words("青山 云溪 白沙 良渚 桐坞 双溪 竹林 桃源 麓山 梅岭")

# Urban communities: <first><second>社区, e.g. 翠苑社区, 桂花社区.
COMMUNITY_FIRST = _words(
    "翠 桂 金 银 枫 柳 荷 兰 梅 竹 松 桃 杏 紫 碧 青 秀 华 丰 新 和 康 宁 祥 瑞 嘉 德 兴 盛 益"
)
COMMUNITY_SECOND = _words("苑 园 城 桥 塘 湾 坊 里 庭 景 峰 轩")

# Villages: <first><second>村, e.g. 上塘村, 双桥村.
VILLAGE_FIRST = _words(
    "上 下 前 后 东 西 南 北 大 小 双 三 石 沙 潘 陈 王 杨 吴 沈 周 徐 茶 桑 梓 溪 山 湖 横 高"
)
VILLAGE_SECOND = _words("塘 桥 埠 坞 岭 浜 湾 溪 庄 家 坂 口 圩")

ROAD_FIRST = _words(
    "文一 文二 学院 教工 保俶 庆丰 体育场 湖墅 莫干 古墩 天目 翠柏 紫荆 金祝 "
    "丰潭 益乐 华星 嘉绿 德胜 兴业 盛世 和平 光明 建设 人民 解放 延安 凤起 "
    "环城 育才 府前 朝晖 潮王 长庆 密渡 登云"
)
ROAD_SUFFIX = _words("路 街 巷")

# Given names of people born 1920-1965 in Zhejiang; Faker's zh_CN pool skews younger.
ELDER_MALE_GIVEN = _words(
    "建国 国华 福生 阿根 水根 金根 土根 荣华 志明 国庆 德明 永康 宝林 林生 "
    "长发 来福 有才 忠良 桂生 炳南 阿毛 解放 援朝 卫东 海林 仁和 春生 秋生 "
    "瑞祥 兴发"
)
ELDER_FEMALE_GIVEN = _words(
    "金娣 杏娣 彩凤 月娥 菊芳 阿英 秀英 桂英 玉兰 凤英 素珍 美华 翠花 爱珍 "
    "雪英 小妹 根娣 杏花 宝珍 月仙 巧云 桂芳 秀珍 玉珍 惠芬 文娟 淑贞 阿香 "
    "梅芳 兰英"
)

# Relation of the emergency contact, with how often each turns up.
RELATIONS = (
    ("儿子", 34),
    ("女儿", 30),
    ("儿媳", 6),
    ("女婿", 4),
    ("孙子", 5),
    ("孙女", 4),
    ("老伴", 6),
    ("侄子", 4),
    ("外甥", 2),
    ("邻居", 5),
)
# For 孤寡 and 分散供养特困 people: nobody close, so a neighbour or a relative further out.
RELATIONS_ALONE = (("侄子", 4), ("侄女", 3), ("外甥", 2), ("邻居", 6))

NOTES = (
    "耳背，需大声说话",
    "有一只狗",
    "家中有狗，敲门前先打电话",
    "行动不便，敲门后请多等一会儿",
    "子女在外地，每周来电",
    "糖尿病，按时服药",
    "高血压，注意提醒测血压",
    "中午 12:00-14:00 午睡，请勿打扰",
    "视力差，看不清手机",
    "只会说本地方言",
    "住顶楼，无电梯",
    "门铃坏了，请敲门",
    "常在楼下小公园活动",
    "女儿每周六回家",
    "上门前请先电话联系",
    "独居，钥匙放邻居家",
    "使用轮椅",
    "记性不好，家属要求同时告知女儿",
    "刚做完白内障手术",
    "心脏支架术后，需定期复查",
)

PREFERRED_WINDOWS = (
    ("09:00", "11:30"),
    ("14:00", "16:30"),
    ("08:30", "11:00"),
    ("15:00", "17:00"),
    ("09:30", "11:00"),
    ("14:30", "16:00"),
)

MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 "
    "151 152 153 155 156 157 158 159 166 173 "
    "175 176 177 180 181 182 183 185 186 187 "
    "188 189 191 198 199"
)
LANDLINE_AREA_CODE = "0571"  # 杭州

# The rural county (seed/county.py), in a mountainous province's style: 乡/镇 of 行政村, each village a
# scatter of 自然村 (hamlets) named after a family, a slope, a stream or a tree.
COUNTY_NAME = "云岭县"
COUNTY_TOWN = "城关镇"
TOWNSHIP_STEMS = _words("松坡 云岩 青龙 石门 凤鸣 龙泉 梨坪 雾岭 马鞍 金鸡 白岩 岔河")
TOWN_COMMUNITIES = _words("南门 北门 东城 西城 文华 兴隆")
TOWN_ROADS = _words("振兴路 团结路 人民路 建设路 新华街 文化路 兴隆街 南门街 北门街 滨河路 迎宾路 环城路")
HILL_VILLAGE_FIRST = _words("大 小 上 下 新 老 石 松 竹 梨 茶 核桃 岩 龙 凤 黑 白 红 水 杉")
HILL_VILLAGE_SECOND = _words("坪 坝 寨 箐 坡 沟 河 山 岭 甸 营 哨 田 塘")
HAMLET_PLACES = _words(
    "上寨 下寨 中寨 大箐 小箐 岩脚 河边 坡头 松林 水井 大树 新寨 老寨 丫口 箐口 田心 梁子 凹子 "
    "核桃林 麻栗树 大平地 小河边 石板房 竹园"
)
HAMLET_FAMILIES = _words("李 杨 张 王 赵 段 杜 罗 刘 陈 周 徐 苏 尹 董 番 龚 施")
HAMLET_SUFFIX = _words("寨 湾 坡 箐 坪 沟 山")
COUNTY_LANDLINE_AREA_CODE = "0875"
