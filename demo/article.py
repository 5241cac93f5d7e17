"""The article's facts, in one place: everything else in the demo reads them from here.

Source: ``seed/zhujing-article.txt`` (朱泾镇区域化党建20周年). Anything not in the article is a
sample, and its name says so (示例).
"""

import datetime

FOUNDING_MEMBERS = 22  # in 1997
LATEST_JOIN_YEAR = 2017  # the network's 20th anniversary: 143 units
ORGAN_UNITS = 74  # 市、区级机关党组织
OTHER_UNITS = 69  # 辖区单位、“两新”党组织

# The "5" of "1+5+N": (name, kind), in the article's order.
DISTRICTS = [
    ("城南", "community"),
    ("城东", "community"),
    ("城西", "community"),
    ("东片", "rural"),
    ("西片", "rural"),
]

# The communities it names.
WANLIAN = "万联村"
WULONG = "五龙村"
NANWEI = "南圩居民区"
ZHONGLOU = "钟楼居委会"
COMMUNITIES = [
    # name, kind, district
    (WANLIAN, "village", "东片"),
    (WULONG, "village", "西片"),
    (NANWEI, "residential", "城南"),
    (ZHONGLOU, "residential", "城西"),
]

# The member units it names.
CAIZHENG = "金山区财政局"
FATING = "朱泾法庭"
GONGLU = "金山公路建设有限公司"
SINOPEC = "中石化上海工程公司"
UNITS = [
    # name, category, level, district, liaison name (a placeholder, not a person)
    (CAIZHENG, "organ", "district", None, "财政局联络员（示例）"),
    (FATING, "stationed", "", "城南", "法庭联络员（示例）"),
    (GONGLU, "enterprise", "", "城西", "公路公司联络员（示例）"),
    (SINOPEC, "stationed", "", "西片", "中石化联络员（示例）"),
]

# The pairings it describes: (community, unit, note).
PAIRINGS = [
    (WANLIAN, CAIZHENG, "双百结对：区财政局连续走访慰问村里的困难党员和群众，资助修路专项资金。"),
    (NANWEI, FATING, "“法治大讲堂”与社区法律诊所（南圩居民区“一居一品”特色品牌）。"),
    (ZHONGLOU, GONGLU, "帮助辖区老式小区铺石修路，被居民称为“小区美容师”。"),
    (WULONG, SINOPEC, "拨付专款为爱五路实施亮灯工程。"),
]

# 南圩居民区's "一居一品" brand.
SIGNATURE_BRANDS = {NANWEI: "社区法律诊所"}

# The 20th-anniversary joint meeting.
MEETING_2017_DATE = datetime.date(2017, 11, 28)
MEETING_2017_TITLE = "庆祝朱泾镇区域化党建20周年暨“心联鑫”区域化党建联席会议"
MEETING_2017_UNITS = 140  # "140多家成员单位"
MEETING_2017_PROJECTS = 100  # "新认领、续认领了社区公益项目100多个"
MEETING_MONTH_DAY = (11, 28)  # the demo holds every year's meeting on the same day

# The six categories, in the article's order (爱心帮扶、便民利民、社区文化、服务保障、建设管理、美丽家园).
CATEGORIES = [
    "care_aid", "convenience", "culture", "service_support", "construction", "beautiful_home"
]

# The "五百服务" a visit can give: 串百家门、知百家情、帮百家事、解百家难、暖百家心.
FIVE_HUNDRED_SERVICES = ["door", "know", "help", "solve", "warm"]

# The projects it names: (title, year, community, category, status, key works, adopter,
# commitment, description). 法治大讲堂 is a legal service the court gives the community,
# as is the 法律诊所 it grew into: both 服务保障.
PROJECTS = [
    ("阳光坡道", 2017, ZHONGLOU, "care_aid", "completed", "", None, "",
     "为行动不便的老人和残疾人修建无障碍坡道，方便居民出行。"),
    ("关爱扶贫项目", 2017, WANLIAN, "care_aid", "completed", "", CAIZHENG,
     "结对帮扶困难党员和群众，送政策、送资金、送温暖",
     "结对单位走访慰问困难党员和群众，帮助困难家庭解决实际困难。"),
    ("平安家园项目", 2017, NANWEI, "service_support", "completed", "", None, "",
     "组织平安志愿者巡逻，开展防盗防诈宣传，守护居民平安。"),
    ("绿色卫士项目", 2017, WULONG, "beautiful_home", "completed", "", None, "",
     "党员志愿者认领河道、绿地，开展环境卫生整治和垃圾分类宣传。"),
    ("法治大讲堂", 2017, NANWEI, "service_support", "completed", "", FATING,
     "法官定期进社区开讲，以案说法",
     "朱泾法庭法官走进社区，以案说法，普及与居民生活相关的法律知识。"),
    ("社区法律诊所", 2018, NANWEI, "service_support", "in_progress", "", FATING,
     "坐诊答疑，化解社区矛盾，解决居民急难愁",
     "南圩居民区“一居一品”特色品牌：法官定期坐诊，化解社区矛盾，解决居民急难愁。"),
    ("爱五路亮灯工程", 2017, WULONG, "construction", "completed", "lighting", SINOPEC,
     "拨付专款为爱五路安装路灯",
     "五龙村主干道爱五路没有路灯，村民夜间出行不便；结对单位拨付专款实施亮灯工程。"
     "五龙村在爱五路路口树立了纪念牌。"),
    ("老旧小区铺石修路", 2017, ZHONGLOU, "construction", "completed", "", GONGLU,
     "发挥专业优势，帮助老式小区铺石修路",
     "利用专业优势帮助辖区老式小区铺石修路，改善小区环境面貌，居民称之为“小区美容师”。"),
    ("万联村修筑道路", 2017, WANLIAN, "construction", "completed", "", CAIZHENG,
     "资助专项资金，解决修路资金短缺",
     "万联村修筑道路资金短缺，结对单位及时资助专项资金。"),
    ("党建长廊", 2018, WANLIAN, "culture", "completed", "", None, "",
     "在村内建设党建宣传长廊，展示党的政策和村里的好人好事。"),
    ("健康小屋", 2018, NANWEI, "convenience", "completed", "", None, "",
     "设立社区健康小屋，提供血压血糖测量和定期义诊。"),
    ("飘香书屋", 2018, WULONG, "culture", "in_progress", "", None, "",
     "建设村级书屋，丰富村民特别是青少年的课余文化生活。"),
    ("福满塘园", 2018, WANLIAN, "beautiful_home", "completed", "", None, "",
     "整治村中池塘及周边环境，建成村民休闲的小游园。"),
    # The government key works (政府重点工程) the units join.
    ("中小河道整治", 2018, WANLIAN, "beautiful_home", "in_progress", "rivers", None, "",
     "党建联建单位参与政府重点工程：整治村内中小河道，还河道水清岸绿。"),
    ("亮灯工程", 2018, WULONG, "construction", "completed", "lighting", None, "",
     "党建联建单位参与政府重点工程：为村道和宅前小路安装路灯。"),
    ("拆违工程", 2018, ZHONGLOU, "construction", "adopted", "demolition", None, "",
     "党建联建单位参与政府重点工程：配合拆除违法建筑，还绿于民。"),
    ("棚户简屋改造", 2018, NANWEI, "construction", "in_progress", "shanty", None, "",
     "党建联建单位参与政府重点工程：改造棚户简屋，改善困难家庭居住条件。"),
]

# The 爱五路 commemorative sign: a milestone of the lighting project.
COMMEMORATIVE_SIGN = ("爱五路亮灯工程", "在爱五路路口树立纪念牌", datetime.date(2017, 12, 20))
