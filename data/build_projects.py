"""Build the ILLUSTRATIVE project pipeline: ``data/projects.csv`` and ``data/project_funding.csv``.

Every project, donor and amount here is invented to show how the atlas works. Every row has
``quality = illustrative`` and the layer's provenance says so wherever it is shown; nothing is a real
commitment.

The output is deterministic and byte-stable: amounts come from fixed specs plus pseudo-random
fractions seeded by ``project_id`` and source key, rows are sorted, and lines end in ``\\n``.

Usage::

    python data/build_projects.py          # write both CSVs
    python data/build_projects.py --check  # exit 1 if the committed CSVs differ from a rebuild
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.model.schema import (  # noqa: E402
    CONTENT_AREAS,
    FUNDING_COLUMNS,
    PROJECT_COLUMNS,
    SOURCE_BY_KEY,
    STATUS_BY_KEY,
    Quality,
)

DATA = ROOT / "data"
PROJECTS_CSV = DATA / "projects.csv"
FUNDING_CSV = DATA / "project_funding.csv"
UNITS_CSV = DATA / "units.csv"

MILLION = 1_000_000
SEED = "tam-duong-2152"

# --- GSO commune codes (checked against data/units.csv at build time) ------------
TT = "03390"  # Thị trấn Tam Đường (also used for district-wide projects)
TS = "03394"  # Thèn Sin
TL = "03400"  # Tả Lèng
GM = "03405"  # Giang Ma
HT = "03406"  # Hồ Thầu
BL = "03412"  # Bình Lư
SB = "03413"  # Sơn Bình
NN = "03415"  # Nùng Nàng
BG = "03418"  # Bản Giang
BH = "03421"  # Bản Hon
BB = "03424"  # Bản Bo
NT = "03427"  # Nà Tăm
KH = "03430"  # Khun Há

# --- lead agencies ----------------------------------------------------------------
NN_PTNT = "Phòng Nông nghiệp và PTNT"
DAN_TOC = "Phòng Dân tộc"
GD_DT = "Phòng Giáo dục và Đào tạo"
YTE = "Trung tâm Y tế huyện"
VH_TT = "Phòng Văn hóa và Thông tin"
PHU_NU = "Hội Liên hiệp Phụ nữ huyện"
BQLDA = "Ban Quản lý dự án đầu tư xây dựng huyện"
LD_TBXH = "Phòng Lao động – Thương binh và Xã hội"
TN_MT = "Phòng Tài nguyên và Môi trường"
KT_HT = "Phòng Kinh tế và Hạ tầng"
GDNN = "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên huyện"

# --- hypothetical partners -------------------------------------------------------------
# Plain names: the whole pipeline is illustrative (its provenance says so on every page and export), and a
# Vietnamese "(minh họa)" inside a name reached English workbooks and decks untranslated.
JICA = "JICA"
KOICA = "KOICA"
ADB = "ADB"
IFAD = "IFAD"
UNDP = "UNDP"
UNICEF = "UNICEF"
UN_WOMEN = "UN Women"
PLAN = "Plan International"
CARE = "CARE"
EU = "EU"
WB = "World Bank"
SNV = "SNV"
SAKURA = "Sakura Tea Co. (JP)"
GREENLEAF = "Green Leaf Tea Co. (KR)"
SUNRISE = "Sunrise Fruits Pte. Ltd. (SG)"
HANBIT = "Hanbit Herbal Co. (KR)"

# Statuses whose rows name a partner; proposals have none yet (an approved one names the partner it is pitched to).
STATUSES_WITH_DONOR = {"approved", "committed", "implementing", "completed", "cancelled"}
#: Approved-for-pitching projects whose state-budget counterpart is already pledged (committed, not disbursed).
PLEDGED_COUNTERPART = {"TD-009", "TD-031"}


@dataclass(frozen=True)
class Spec:
    """One illustrative project.

    ``intl`` is the international source key and its need in million VND; ``counterparts`` are
    (source key, share of the international need) pairs.
    """

    pid: str
    commune: str
    area: int
    status: str
    start: int
    end: int
    lead: str
    donor: str
    name_vi: str
    name_en: str
    description: str
    intl: tuple[str, int]
    counterparts: tuple[tuple[str, float], ...] = ()
    point: tuple[float, float] | None = None  # (lon, lat)


SB_ = "state_budget"
CM_ = "community"
DB_ = "domestic_business"

SPECS: tuple[Spec, ...] = (
    # ---- 1. production land and domestic water --------------------------------------------
    Spec("TD-001", NT, 1, "completed", 2021, 2023, BQLDA, JICA,
         "Kiên cố hóa kênh mương nội đồng xã Nà Tăm",
         "Lining of on-farm irrigation canals in Nà Tăm",
         "Kiên cố hóa khoảng 9 km kênh mương nội đồng, bảo đảm nước tưới ổn định cho ruộng lúa hai vụ của đồng bào Lào.",
         ("oda_grant", 18_000), ((SB_, 0.20), (CM_, 0.03)), (103.6431, 22.2755)),
    Spec("TD-002", KH, 1, "implementing", 2023, 2026, BQLDA, ADB,
         "Hồ chứa nước nhỏ phục vụ tưới và sinh hoạt xã Khun Há",
         "Small multi-purpose reservoir in Khun Há",
         "Xây dựng hồ chứa nước nhỏ kết hợp tưới tiêu và cấp nước sinh hoạt cho các bản người Mông xã Khun Há.",
         ("concessional_loan", 42_000), ((SB_, 0.25),)),
    Spec("TD-003", TL, 1, "implementing", 2024, 2026, NN_PTNT, KOICA,
         "Công trình cấp nước sinh hoạt tập trung bản Pho Lao Chải, xã Tả Lèng",
         "Piped domestic water scheme for Pho Lao Chải village, Tả Lèng",
         "Đầu tư đầu mối, bể lọc và mạng ống cấp nước sạch tập trung cho các hộ bản Pho Lao Chải.",
         ("oda_grant", 12_500), ((SB_, 0.15), (CM_, 0.05)), (103.5186, 22.4452)),
    Spec("TD-004", TS, 1, "proposal", 2026, 2027, "UBND xã Thèn Sin", "",
         "Cấp nước sinh hoạt cho các bản vùng cao xã Thèn Sin",
         "Domestic water supply for upland villages of Thèn Sin",
         "Đề xuất xây dựng hệ thống cấp nước tự chảy cho các bản vùng cao thường xuyên thiếu nước mùa khô.",
         ("oda_grant", 9_800), ((SB_, 0.20),)),
    Spec("TD-005", BG, 1, "proposal", 2026, 2027, NN_PTNT, "",
         "Nâng cấp kênh mương thủy lợi xã Bản Giang",
         "Irrigation canal upgrade in Bản Giang",
         "Ý tưởng nâng cấp hệ thống kênh mương để mở rộng diện tích lúa nước và rau màu vụ đông.",
         ("concessional_loan", 14_000), ((SB_, 0.20),)),
    Spec("TD-006", GM, 1, "completed", 2022, 2023, "UBND xã Giang Ma", PLAN,
         "Bể chứa nước hộ gia đình cho hộ nghèo xã Giang Ma",
         "Household rainwater tanks for poor families in Giang Ma",
         "Hỗ trợ vật liệu xây bể chứa nước mưa cho hộ nghèo, người dân góp công lao động.",
         ("ngo", 2_400), ((CM_, 0.10),)),
    # ---- 2. resettlement and landslide safety -------------------------------------------------
    Spec("TD-007", HT, 2, "implementing", 2023, 2026, BQLDA, WB,
         "Di dời, sắp xếp dân cư bản Hồ Thầu ra khỏi vùng nguy cơ sạt lở",
         "Relocating Hồ Thầu village households out of the landslide zone",
         "Xây dựng khu tái định cư có hạ tầng đồng bộ cho các hộ bản Hồ Thầu sống ở vùng nguy cơ sạt lở đá.",
         ("concessional_loan", 44_000), ((SB_, 0.30), (CM_, 0.02)), (103.5978, 22.3902)),
    Spec("TD-008", TT, 2, "committed", 2025, 2027, BQLDA, JICA,
         "Sắp xếp, ổn định dân cư bản Thác Tình, thị trấn Tam Đường",
         "Resettlement of Thác Tình village away from flash-flood risk, Tam Đường township",
         "Di chuyển các hộ ven suối Thác Tình đến nơi ở mới an toàn sau trận lũ quét gây thiệt hại về người.",
         ("oda_grant", 36_000), ((SB_, 0.25),), (103.6072, 22.3484)),
    Spec("TD-009", TS, 2, "approved", 2026, 2027, BQLDA, ADB,
         "Ổn định dân cư vùng sạt lở dọc tỉnh lộ 130, xã Thèn Sin",
         "Stabilising settlements along landslide-prone provincial road 130, Thèn Sin",
         "Quy hoạch và xây dựng điểm dân cư mới cho các hộ ở sát taluy dương dọc tỉnh lộ 130.",
         ("concessional_loan", 45_000), ((SB_, 0.30),)),
    Spec("TD-010", TT, 2, "completed", 2022, 2024, NN_PTNT, UNDP,
         "Hệ thống cảnh báo sớm lũ quét, sạt lở đất huyện Tam Đường",
         "Flash-flood and landslide early-warning system for Tam Đường district",
         "Lắp đặt trạm đo mưa tự động và loa cảnh báo tại các bản có nguy cơ lũ quét, sạt lở trên địa bàn huyện.",
         ("oda_grant", 6_500), ((SB_, 0.15),), (103.6150, 22.3326)),
    Spec("TD-011", KH, 2, "proposal", 2026, 2027, NN_PTNT, "",
         "Sinh kế thích ứng với biến đổi khí hậu cho đồng bào Mông xã Khun Há",
         "Climate-resilient livelihoods for Hmong households in Khun Há",
         "Đề xuất chuyển đổi cây trồng, vật nuôi chịu hạn, chịu rét cho các hộ canh tác trên đất dốc.",
         ("concessional_loan", 15_000), ((SB_, 0.15), (CM_, 0.05))),
    Spec("TD-012", BG, 2, "cancelled", 2022, 2024, BQLDA, EU,
         "Kè chống sạt lở khu dân cư trung tâm xã Bản Giang",
         "Landslide retaining walls for the Bản Giang commune centre",
         "Dự án kè chống sạt lở đã dừng do điều chỉnh phương án sang di dời dân cư.",
         ("oda_grant", 11_000), ((SB_, 0.20),)),
    # ---- 3. value-chain agriculture and forestry ------------------------------------------------
    Spec("TD-013", BB, 3, "implementing", 2023, 2026, NN_PTNT, SAKURA,
         "Xưởng chế biến chè và chứng nhận VietGAP vùng chè Bản Bo",
         "Tea processing workshop and VietGAP certification for the Bản Bo tea zone",
         "Liên kết doanh nghiệp đầu tư dây chuyền chế biến chè xanh và hỗ trợ tổ hợp tác đạt chứng nhận VietGAP.",
         ("foreign_business", 8_000), ((DB_, 0.20), (CM_, 0.05)), (103.6735, 22.2861)),
    Spec("TD-014", SB, 3, "committed", 2025, 2027, NN_PTNT, EU,
         "Chuyển đổi sang chè hữu cơ xã Sơn Bình",
         "Organic tea conversion in Sơn Bình",
         "Hỗ trợ nông hộ chuyển đổi canh tác và đạt chứng nhận hữu cơ cho vùng chè xã Sơn Bình.",
         ("oda_grant", 5_500), ((SB_, 0.10), (DB_, 0.15))),
    Spec("TD-015", NT, 3, "completed", 2021, 2023, NN_PTNT, CARE,
         "Vùng chè VietGAP xã Nà Tăm",
         "VietGAP tea zone in Nà Tăm",
         "Tập huấn quy trình VietGAP, hỗ trợ phân bón và cấp chứng nhận cho tổ hợp tác chè xã Nà Tăm.",
         ("ngo", 4_200), ((CM_, 0.08),)),
    Spec("TD-016", TL, 3, "approved", 2026, 2027, NN_PTNT, GREENLEAF,
         "Bảo tồn và phát triển chè cổ thụ xã Tả Lèng",
         "Conservation and development of ancient tea trees in Tả Lèng",
         "Khoanh vùng, phục tráng khoảng 34 ha chè cổ thụ ở 5 bản và xây dựng nhãn hiệu sản phẩm chè Shan tuyết.",
         ("foreign_business", 3_600), ((SB_, 0.10), (CM_, 0.05)), (103.5253, 22.4417)),
    Spec("TD-017", TL, 3, "implementing", 2024, 2026, NN_PTNT, IFAD,
         "Phát triển lúa đặc sản Séng cù, Tẻ dậu trên ruộng bậc thang xã Tả Lèng",
         "Séng cù and Tẻ dậu specialty rice on the Tả Lèng terraces",
         "Phục tráng giống, liên kết tiêu thụ và xây dựng chỉ dẫn địa lý cho lúa đặc sản trên ruộng bậc thang.",
         ("concessional_loan", 6_800), ((SB_, 0.15), (CM_, 0.05))),
    Spec("TD-018", TS, 3, "proposal", 2026, 2027, "UBND xã Thèn Sin", "",
         "Mở rộng vùng lúa Séng cù xã Thèn Sin",
         "Expanding Séng cù rice production in Thèn Sin",
         "Đề xuất hỗ trợ giống, kỹ thuật và liên kết tiêu thụ để mở rộng diện tích lúa Séng cù.",
         ("oda_grant", 3_200), ((SB_, 0.15),)),
    Spec("TD-019", BL, 3, "completed", 2021, 2024, NN_PTNT, SUNRISE,
         "Chuỗi giá trị chuối tiêu hồng xã Bình Lư",
         "Pink banana value chain in Bình Lư",
         "Liên kết trồng, sơ chế và bao tiêu chuối tiêu hồng trên diện tích ruộng chuyển đổi tại xã Bình Lư.",
         ("foreign_business", 9_500), ((DB_, 0.20), (CM_, 0.10)), (103.6388, 22.3612)),
    Spec("TD-020", HT, 3, "proposal", 2026, 2027, NN_PTNT, "",
         "Phát triển vùng chuối xã Hồ Thầu",
         "Banana growing area in Hồ Thầu",
         "Ý tưởng mở rộng chuỗi giá trị chuối sang xã Hồ Thầu gắn với doanh nghiệp bao tiêu.",
         ("foreign_business", 4_500), ((CM_, 0.10),)),
    Spec("TD-021", GM, 3, "implementing", 2023, 2026, NN_PTNT, JICA,
         "Cây ăn quả ôn đới (lê, mận, đào) xã Giang Ma",
         "Temperate fruit (pear, plum, peach) in Giang Ma",
         "Cải tạo vườn lê, mận, đào bằng giống mới và kỹ thuật ghép, tỉa cành cho các hộ người Dao, Mông.",
         ("oda_grant", 5_200), ((SB_, 0.15), (CM_, 0.08))),
    Spec("TD-022", NN, 3, "committed", 2025, 2027, NN_PTNT, KOICA,
         "Vùng cây ăn quả ôn đới xã Nùng Nàng",
         "Temperate fruit orchards in Nùng Nàng",
         "Trồng mới và thâm canh lê, mận, đào theo hướng hàng hóa, gắn với tiêu thụ tại thành phố Lai Châu.",
         ("oda_grant", 4_800), ((SB_, 0.10),)),
    Spec("TD-023", HT, 3, "cancelled", 2022, 2024, NN_PTNT, CARE,
         "Thâm canh lê, đào xã Hồ Thầu",
         "Intensive pear and peach growing in Hồ Thầu",
         "Dự án đã hủy do đối tác thay đổi ưu tiên tài trợ trước khi ký kết.",
         ("ngo", 2_600), ((CM_, 0.10),)),
    Spec("TD-024", KH, 3, "approved", 2026, 2027, NN_PTNT, HANBIT,
         "Trồng dược liệu dưới tán rừng xã Khun Há",
         "Medicinal plants under the forest canopy in Khun Há",
         "Trồng thảo quả, sa nhân và dược liệu dưới tán rừng phòng hộ, gắn với bảo vệ rừng và bao tiêu sản phẩm.",
         ("foreign_business", 7_500), ((SB_, 0.10), (CM_, 0.05))),
    Spec("TD-025", BG, 3, "proposal", 2027, 2027, NN_PTNT, "",
         "Dược liệu dưới tán rừng xã Bản Giang",
         "Medicinal plants under forest canopy in Bản Giang",
         "Ý tưởng phát triển dược liệu dưới tán rừng để tăng thu nhập cho hộ nhận khoán bảo vệ rừng.",
         ("foreign_business", 3_800), ((CM_, 0.05),)),
    # ---- 4. essential infrastructure -------------------------------------------------------
    Spec("TD-026", BH, 4, "implementing", 2022, 2026, BQLDA, WB,
         "Đường liên xã Bản Hon – Khun Há",
         "Bản Hon – Khun Há inter-commune road",
         "Nâng cấp, cứng hóa tuyến đường liên xã nối Bản Hon với Khun Há, bảo đảm đi lại thông suốt mùa mưa.",
         ("concessional_loan", 46_000), ((SB_, 0.25),)),
    Spec("TD-027", GM, 4, "completed", 2021, 2024, BQLDA, ADB,
         "Đường liên xã Giang Ma – Hồ Thầu",
         "Giang Ma – Hồ Thầu inter-commune road",
         "Cứng hóa tuyến đường liên xã Giang Ma – Hồ Thầu phục vụ vận chuyển nông sản và đi lại của người dân.",
         ("concessional_loan", 34_000), ((SB_, 0.20), (CM_, 0.02))),
    Spec("TD-028", KH, 4, "committed", 2025, 2027, BQLDA, KOICA,
         "Trường Phổ thông dân tộc bán trú Tiểu học xã Khun Há",
         "Semi-boarding primary school for ethnic-minority pupils in Khun Há",
         "Xây dựng phòng học, nhà ở bán trú, bếp ăn và công trình vệ sinh cho học sinh ở xa trường.",
         ("oda_grant", 18_000), ((SB_, 0.20),), (103.5986, 22.2247)),
    Spec("TD-029", SB, 4, "implementing", 2024, 2026, BQLDA, JICA,
         "Xây dựng Trạm y tế xã Sơn Bình",
         "New commune health station in Sơn Bình",
         "Xây mới trạm y tế đạt chuẩn quốc gia và trang bị thiết bị khám chữa bệnh ban đầu.",
         ("oda_grant", 9_500), ((SB_, 0.20),), (103.6903, 22.3571)),
    Spec("TD-030", TT, 4, "proposal", 2026, 2027, TN_MT, "",
         "Khu xử lý chất thải rắn sinh hoạt huyện Tam Đường",
         "Solid-waste treatment facility for Tam Đường district",
         "Đề xuất đầu tư khu xử lý rác thải sinh hoạt hợp vệ sinh cho thị trấn và các xã lân cận.",
         ("oda_grant", 22_000), ((SB_, 0.30),)),
    Spec("TD-031", TS, 4, "approved", 2026, 2027, BQLDA, EU,
         "Nhà ở bán trú Trường Phổ thông dân tộc bán trú THCS xã Thèn Sin",
         "Boarding dormitory for the Thèn Sin semi-boarding lower-secondary school",
         "Xây nhà ở bán trú và nhà ăn cho học sinh người Mông, Dao ở các bản xa trung tâm xã.",
         ("oda_grant", 12_000), ((SB_, 0.20),)),
    Spec("TD-032", NN, 4, "proposal", 2026, 2027, KT_HT, "",
         "Đường giao thông nội đồng xã Nùng Nàng",
         "Farm access roads in Nùng Nàng",
         "Ý tưởng cứng hóa đường nội đồng phục vụ vận chuyển cây ăn quả ôn đới và rau màu.",
         ("concessional_loan", 15_000), ((SB_, 0.20), (CM_, 0.05))),
    # ---- 5. education, training and technology transfer ----------------------------------------
    Spec("TD-033", BB, 5, "completed", 2022, 2023, GDNN, CARE,
         "Đào tạo nghề chế biến chè cho lao động nông thôn xã Bản Bo",
         "Vocational training in tea processing for rural workers, Bản Bo",
         "Mở các lớp đào tạo nghề sơ cấp về chế biến và bảo quản chè cho lao động nông thôn.",
         ("ngo", 1_200), ((SB_, 0.20),)),
    Spec("TD-034", BL, 5, "implementing", 2024, 2026, NN_PTNT, SNV,
         "Chuyển giao công nghệ hầm biogas cho hộ chăn nuôi xã Bình Lư",
         "Biogas technology transfer for livestock households in Bình Lư",
         "Hỗ trợ xây hầm biogas và tập huấn vận hành, giảm ô nhiễm chuồng trại và tiết kiệm củi đun.",
         ("ngo", 1_800), ((CM_, 0.25),)),
    Spec("TD-035", NN, 5, "proposal", 2026, 2027, NN_PTNT, "",
         "Chuyển giao giống lúa, ngô chống chịu thời tiết cực đoan xã Nùng Nàng",
         "Transfer of climate-resilient rice and maize seed in Nùng Nàng",
         "Đề xuất trình diễn và chuyển giao giống lúa, ngô chịu rét, chịu hạn cho nông hộ.",
         ("oda_grant", 2_200), ((SB_, 0.10),)),
    Spec("TD-036", TT, 5, "approved", 2026, 2027, LD_TBXH, KOICA,
         "Đào tạo nghề và giới thiệu việc làm cho thanh niên dân tộc thiểu số huyện Tam Đường",
         "Vocational training and job placement for ethnic-minority youth in Tam Đường",
         "Đào tạo nghề ngắn hạn gắn với giới thiệu việc làm cho thanh niên người dân tộc thiểu số toàn huyện.",
         ("oda_grant", 1_900), ((SB_, 0.15),)),
    Spec("TD-037", HT, 5, "committed", 2025, 2026, GD_DT, UNICEF,
         "Nâng cao năng lực giáo viên mầm non dạy song ngữ xã Hồ Thầu",
         "Bilingual teaching skills for preschool teachers in Hồ Thầu",
         "Bồi dưỡng giáo viên mầm non phương pháp chuẩn bị tiếng Việt cho trẻ em người Dao.",
         ("oda_grant", 1_500), ((SB_, 0.10),)),
    # ---- 6. culture and tourism ----------------------------------------------------------
    Spec("TD-038", BH, 6, "implementing", 2023, 2026, VH_TT, JICA,
         "Bản du lịch cộng đồng người Lự xã Bản Hon",
         "Lự community-based tourism village in Bản Hon",
         "Hỗ trợ homestay, đội văn nghệ và sản phẩm dệt truyền thống để phát triển du lịch cộng đồng tại bản người Lự.",
         ("oda_grant", 4_500), ((SB_, 0.15), (CM_, 0.05)), (103.5517, 22.2988)),
    Spec("TD-039", BB, 6, "approved", 2026, 2027, VH_TT, SAKURA,
         "Du lịch trải nghiệm đồi chè Bản Bo",
         "Tea-hill experience tourism in Bản Bo",
         "Xây dựng tuyến tham quan đồi chè, xưởng chè và homestay gắn với sản phẩm chè địa phương.",
         ("foreign_business", 6_000), ((DB_, 0.20),)),
    Spec("TD-040", GM, 6, "proposal", 2026, 2027, VH_TT, "",
         "Bản du lịch cộng đồng xã Giang Ma",
         "Community-based tourism village in Giang Ma",
         "Đề xuất phát triển du lịch cộng đồng gắn với vườn cây ăn quả ôn đới và văn hóa người Dao.",
         ("oda_grant", 3_500), ((SB_, 0.15), (CM_, 0.05))),
    Spec("TD-041", HT, 6, "completed", 2022, 2023, VH_TT, EU,
         "Bảo tồn nghề thêu thổ cẩm và lễ cấp sắc của người Dao xã Hồ Thầu",
         "Safeguarding Dao embroidery and the cấp sắc ceremony in Hồ Thầu",
         "Tư liệu hóa lễ cấp sắc và mở lớp truyền dạy thêu thổ cẩm cho thanh thiếu niên người Dao.",
         ("oda_grant", 900), ((SB_, 0.10),)),
    # ---- 7. health and child nutrition ----------------------------------------------------------
    Spec("TD-042", KH, 7, "implementing", 2023, 2026, YTE, UNICEF,
         "Cải thiện dinh dưỡng trẻ em dưới 5 tuổi xã Khun Há",
         "Improving nutrition of children under five in Khun Há",
         "Theo dõi tăng trưởng, bổ sung vi chất và hướng dẫn bà mẹ chăm sóc dinh dưỡng cho trẻ dưới 5 tuổi.",
         ("oda_grant", 2_800), ((SB_, 0.15),)),
    Spec("TD-043", TT, 7, "committed", 2025, 2026, YTE, KOICA,
         "Ứng dụng công nghệ thông tin trong y tế cơ sở huyện Tam Đường",
         "Digital health records for primary health care in Tam Đường",
         "Triển khai hồ sơ sức khỏe điện tử và phần mềm quản lý khám chữa bệnh tại các trạm y tế xã.",
         ("oda_grant", 3_400), ((SB_, 0.20),)),
    Spec("TD-044", TS, 7, "proposal", 2026, 2027, YTE, "",
         "Chăm sóc sức khỏe sinh sản và kế hoạch hóa gia đình xã Thèn Sin",
         "Reproductive health and family planning in Thèn Sin",
         "Đề xuất truyền thông và cung cấp dịch vụ chăm sóc sức khỏe sinh sản cho phụ nữ vùng cao.",
         ("oda_grant", 1_600), ((SB_, 0.10),)),
    Spec("TD-045", NT, 7, "proposal", 2027, 2027, YTE, "",
         "Trang thiết bị y tế cho Trạm y tế xã Nà Tăm",
         "Medical equipment for the Nà Tăm health station",
         "Ý tưởng bổ sung thiết bị khám chữa bệnh và chăm sóc bà mẹ, trẻ em cho trạm y tế xã.",
         ("oda_grant", 8_000), ((SB_, 0.10),)),
    Spec("TD-046", BG, 7, "completed", 2021, 2023, GD_DT, PLAN,
         "Bữa ăn bán trú đủ dinh dưỡng cho học sinh xã Bản Giang",
         "Nutritious school meals for semi-boarding pupils in Bản Giang",
         "Hỗ trợ bếp ăn, vườn rau trường học và tập huấn thực đơn dinh dưỡng cho học sinh bán trú.",
         ("ngo", 1_100), ((CM_, 0.10),)),
    # ---- 8. gender equality, women and children ------------------------------------------------
    Spec("TD-047", BL, 8, "implementing", 2024, 2026, PHU_NU, UN_WOMEN,
         "Trao quyền kinh tế cho phụ nữ dân tộc thiểu số xã Bình Lư",
         "Economic empowerment of ethnic-minority women in Bình Lư",
         "Hỗ trợ phụ nữ thành lập tổ hợp tác, tiếp cận vốn và kỹ năng kinh doanh nông sản.",
         ("oda_grant", 2_400), ((SB_, 0.10), (CM_, 0.05))),
    Spec("TD-048", BH, 8, "committed", 2025, 2026, PHU_NU, PLAN,
         "Phòng chống tảo hôn và hôn nhân cận huyết thống xã Bản Hon",
         "Preventing child and consanguineous marriage in Bản Hon",
         "Truyền thông tại bản, trường học và tư vấn cho gia đình nhằm giảm tình trạng tảo hôn.",
         ("ngo", 1_300), ((SB_, 0.10),)),
    Spec("TD-049", SB, 8, "approved", 2026, 2026, PHU_NU, CARE,
         "Tổ hợp tác phụ nữ dệt thổ cẩm xã Sơn Bình",
         "Women's brocade-weaving cooperative in Sơn Bình",
         "Hỗ trợ khung dệt, thiết kế mẫu và kết nối thị trường cho nhóm phụ nữ dệt thổ cẩm.",
         ("ngo", 900), ((CM_, 0.10),)),
    Spec("TD-050", TT, 8, "cancelled", 2022, 2023, PHU_NU, CARE,
         "Tín dụng vi mô cho phụ nữ nghèo huyện Tam Đường",
         "Microcredit for poor women in Tam Đường",
         "Dự án đã hủy vì trùng đối tượng với chương trình tín dụng chính sách của Ngân hàng Chính sách xã hội.",
         ("ngo", 1_800), ((SB_, 0.10),)),
    # ---- 9. very small and disadvantaged ethnic groups --------------------------------------
    Spec("TD-051", BH, 9, "implementing", 2023, 2026, DAN_TOC, UNDP,
         "Hỗ trợ sinh kế và bảo tồn văn hóa người Lự xã Bản Hon",
         "Livelihoods and cultural preservation for the Lự people in Bản Hon",
         "Hỗ trợ sinh kế, bảo tồn tiếng nói, trang phục và lễ hội truyền thống của cộng đồng người Lự.",
         ("oda_grant", 3_800), ((SB_, 0.15),)),
    Spec("TD-052", NT, 9, "proposal", 2026, 2027, DAN_TOC, "",
         "Sinh kế bền vững cho đồng bào Lào xã Nà Tăm",
         "Sustainable livelihoods for the Lào community in Nà Tăm",
         "Đề xuất hỗ trợ chăn nuôi, nghề dệt và thủy lợi nhỏ cho các bản người Lào.",
         ("oda_grant", 4_200), ((SB_, 0.15), (CM_, 0.05))),
    Spec("TD-053", BH, 9, "proposal", 2027, 2027, DAN_TOC, "",
         "Công trình chống sạt lở cho bản người Lự xã Bản Hon",
         "Anti-landslide works for the Lự village in Bản Hon",
         "Ý tưởng xây kè và rãnh thoát nước chống sạt lở bảo vệ nhà ở của cộng đồng người Lự.",
         ("oda_grant", 9_500), ((SB_, 0.20),)),
    Spec("TD-054", BG, 9, "approved", 2026, 2027, DAN_TOC, JICA,
         "Bảo tồn tiếng nói, trang phục truyền thống người Giáy xã Bản Giang",
         "Safeguarding Giáy language and traditional dress in Bản Giang",
         "Mở lớp truyền dạy tiếng Giáy, may trang phục truyền thống và sưu tầm dân ca cho thanh thiếu niên.",
         ("oda_grant", 1_400), ((SB_, 0.10),)),
    # ---- 10. communication and outreach ------------------------------------------------------
    Spec("TD-055", TT, 10, "completed", 2021, 2022, DAN_TOC, UNDP,
         "Truyền thông về thu hút hợp tác quốc tế vùng đồng bào dân tộc thiểu số",
         "Outreach on international cooperation for ethnic-minority areas",
         "Biên soạn tài liệu, hội nghị phổ biến Quyết định 2152/QĐ-TTg và kế hoạch thực hiện của huyện.",
         ("oda_grant", 600), ((SB_, 0.20),)),
    Spec("TD-056", GM, 10, "implementing", 2024, 2026, VH_TT, KOICA,
         "Hệ thống truyền thanh thông minh xã Giang Ma",
         "Smart public-address system in Giang Ma",
         "Lắp đặt cụm loa truyền thanh ứng dụng công nghệ thông tin – viễn thông đến các bản.",
         ("oda_grant", 1_400), ((SB_, 0.20),)),
    Spec("TD-057", TS, 10, "proposal", 2026, 2026, VH_TT, "",
         "Truyền thông phòng chống thiên tai bằng tiếng Mông, tiếng Dao xã Thèn Sin",
         "Disaster-preparedness messages in Hmong and Dao for Thèn Sin",
         "Đề xuất sản xuất bản tin, tờ rơi song ngữ về phòng tránh lũ quét, sạt lở cho người dân vùng cao.",
         ("oda_grant", 450), ((SB_, 0.10),)),
    Spec("TD-058", SB, 10, "proposal", 2026, 2027, VH_TT, "",
         "Quảng bá thương hiệu chè Tam Đường tới nhà đầu tư nước ngoài",
         "Promoting the Tam Đường tea brand to foreign investors",
         "Ý tưởng làm phim, ấn phẩm song ngữ và tham gia hội chợ để quảng bá sản phẩm chè của huyện.",
         ("oda_grant", 800), ((SB_, 0.20),)),
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _rng(pid: str, source: str) -> random.Random:
    # str seeds hash with SHA-512, so this is stable across runs and PYTHONHASHSEED values.
    return random.Random(f"{SEED}:{pid}:{source}")


def _amounts(spec: Spec, source: str, need_m: int) -> tuple[int, int]:
    """(committed, disbursed) in million VND for one funding row, by project status."""
    rng = _rng(spec.pid, source)
    status = spec.status
    if status in ("proposal", "cancelled"):
        return 0, 0
    if status == "approved":
        if spec.pid in PLEDGED_COUNTERPART and source == "state_budget":
            return need_m, 0
        return 0, 0
    if status == "committed":
        committed = round(need_m * rng.uniform(0.85, 1.0))
        disbursed = round(committed * rng.uniform(0.0, 0.15))
    elif status == "implementing":
        committed = round(need_m * rng.uniform(0.85, 1.0))
        disbursed = round(committed * rng.uniform(0.30, 0.80))
    elif status == "completed":
        committed = round(need_m * rng.uniform(0.95, 1.0))
        disbursed = committed if rng.random() < 0.6 else round(committed * rng.uniform(0.97, 1.0))
    else:  # pragma: no cover - guarded by validate()
        raise ValueError(status)
    committed = min(committed, need_m)
    disbursed = min(disbursed, committed)
    return committed, disbursed


def _funding_rows(spec: Spec) -> list[dict[str, object]]:
    source, intl_m = spec.intl
    rows = []
    shares = [(source, None), *spec.counterparts]
    for key, share in shares:
        need_m = intl_m if share is None else max(1, round(intl_m * share))
        committed_m, disbursed_m = _amounts(spec, key, need_m)
        rows.append({
            "project_id": spec.pid,
            "source": key,
            "need": need_m * MILLION,
            "committed": committed_m * MILLION,
            "disbursed": disbursed_m * MILLION,
        })
    return rows


def _project_row(spec: Spec) -> dict[str, object]:
    donor = spec.donor if spec.status in STATUSES_WITH_DONOR else ""
    lon, lat = (f"{spec.point[0]:.4f}", f"{spec.point[1]:.4f}") if spec.point else ("", "")
    return {
        "project_id": spec.pid,
        "name_vi": _nfc(spec.name_vi),
        "name_en": _nfc(spec.name_en),
        "description": _nfc(spec.description),
        "commune_code": spec.commune,
        "content_area": spec.area,
        "status": spec.status,
        "start_year": spec.start,
        "end_year": spec.end,
        "lead_agency": _nfc(spec.lead),
        "donor": _nfc(donor),
        "lon": lon,
        "lat": lat,
        "quality": Quality.ILLUSTRATIVE.value,
    }


def validate(specs: tuple[Spec, ...] = SPECS) -> None:
    """Fail loudly if a spec breaks the schema (unknown code, source, status, year)."""
    units = pd.read_csv(UNITS_CSV, dtype=str)
    codes = set(units["code"])
    seen: set[str] = set()
    for s in specs:
        assert s.pid not in seen, f"duplicate project_id {s.pid}"
        seen.add(s.pid)
        assert s.commune in codes, f"{s.pid}: unknown commune {s.commune}"
        assert s.area in CONTENT_AREAS, f"{s.pid}: unknown content area {s.area}"
        assert s.status in STATUS_BY_KEY, f"{s.pid}: unknown status {s.status}"
        assert 2021 <= s.start <= s.end <= 2027, f"{s.pid}: bad years {s.start}-{s.end}"
        keys = [s.intl[0], *(k for k, _ in s.counterparts)]
        assert len(keys) == len(set(keys)), f"{s.pid}: duplicate source"
        for k in keys:
            assert k in SOURCE_BY_KEY, f"{s.pid}: unknown source {k}"
        assert SOURCE_BY_KEY[s.intl[0]].group == "international", f"{s.pid}: first source must be international"
        if s.point:
            lon, lat = s.point
            assert 103.42 <= lon <= 103.78 and 22.17 <= lat <= 22.49, f"{s.pid}: point outside district"


def build() -> tuple[str, str]:
    """Return the two CSV texts (projects, funding)."""
    validate()
    projects = pd.DataFrame([_project_row(s) for s in SPECS], columns=list(PROJECT_COLUMNS))
    projects = projects.sort_values("project_id", kind="stable").reset_index(drop=True)
    funding = pd.DataFrame([r for s in SPECS for r in _funding_rows(s)], columns=list(FUNDING_COLUMNS))
    funding = funding.sort_values(["project_id", "source"], kind="stable").reset_index(drop=True)
    return _to_csv(projects), _to_csv(funding)


def _to_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed CSVs differ from a rebuild")
    args = parser.parse_args(argv)
    outputs = dict(zip((PROJECTS_CSV, FUNDING_CSV), build()))
    if args.check:
        stale = [p for p, text in outputs.items()
                 if not p.exists() or p.read_bytes() != text.encode("utf-8")]
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)} (run python data/build_projects.py)", file=sys.stderr)
        return 1 if stale else 0
    for p, text in outputs.items():
        p.write_bytes(text.encode("utf-8"))
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
