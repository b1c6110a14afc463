//! The words generated cases are made of: names, districts, topics, sentences.

use rand::{rngs::StdRng, Rng};

pub(super) const SURNAMES: &str = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴";
pub(super) const GIVEN: [&str; 24] = [
    "志明", "淑芬", "建宏", "雅婷", "俊傑", "怡君", "家豪", "佳蓉", "冠宇", "宜蓁", "承翰", "詩涵",
    "柏翰", "思妤", "宗翰", "欣怡", "彥廷", "筱婷", "育誠", "郁雯", "明哲", "美玲", "信宏", "靜宜",
];
pub(super) const PARTIES: [&str; 4] = ["青禾黨", "藍海黨", "綠野黨", "無黨籍"];
pub(super) const DISTRICTS: [&str; 12] = [
    "士林區",
    "北投區",
    "內湖區",
    "南港區",
    "松山區",
    "信義區",
    "大安區",
    "中山區",
    "中正區",
    "大同區",
    "萬華區",
    "文山區",
];
/// (lead bureau code, co-bureau code or "", topic)
pub(super) const TOPICS: [(&str, &str, &str); 24] = [
    ("UDD", "DLA", "社會住宅興建進度"),
    ("DOT", "PWD", "人行道改善與無障礙坡道"),
    ("DOT", "", "公車路線調整與班距"),
    ("TCPD", "DOT", "校園周邊交通安全"),
    ("DOSW", "DOH", "長照據點布建"),
    ("DOE", "", "國中小校舍耐震補強"),
    ("DEP", "", "垃圾清運與資源回收"),
    ("PWD", "", "道路挖掘管理與路平專案"),
    ("DORTS", "DOT", "捷運環狀線北環段工程"),
    ("DOH", "", "流感疫苗接種量能"),
    ("DOED", "", "傳統市場改建"),
    ("DOC", "", "藝文場館營運"),
    ("DOL", "", "青年就業與職業訓練"),
    ("DOS", "", "運動中心收費與設施"),
    ("TFD", "", "老舊建物消防安全"),
    ("DOF", "", "市有土地活化"),
    ("DCA", "", "里民活動中心整修"),
    ("DOIT", "", "市政服務數位化"),
    ("UDD", "PWD", "都市更新推動"),
    ("DOT", "TCPD", "停車位供給與違停取締"),
    ("DEP", "DOH", "空氣品質改善"),
    ("DOSW", "", "托育公共化"),
    ("PWD", "DEP", "公園綠地維護"),
    ("DOE", "DOSW", "校園午餐品質"),
];
pub(super) const ASK: [&str; 6] = [
    "請市府說明目前辦理進度、經費執行情形與預計完成時程。",
    "地方居民多次反映相關問題，請說明市府如何改善並提出具體期程。",
    "請提供近三年相關統計數據，並說明未來年度之規劃。",
    "本席關切市府是否已評估替代方案，請一併說明評估結果。",
    "請說明跨局處協調情形，以及是否需要中央支援。",
    "請針對陳情案件之處理情形，逐案說明辦理結果。",
];
pub(super) const ANSWER: [&str; 6] = [
    "謝謝議員指教。本府已就相關業務進行全面檢討，並將於本年度內完成細部規劃。",
    "有關議員關切事項，本府已邀集相關局處召開協調會議，確認分工與辦理期程。",
    "本案經費已編列於年度預算，目前執行率符合進度，後續將定期向大會報告。",
    "本府將持續蒐集居民意見，滾動檢討執行方式，以兼顧安全、效率與地方需求。",
    "相關統計資料已整理如附件，後續將依議員建議研議改善措施並公開資訊。",
    "本府已完成初步評估，將配合中央政策與法規修正，適時調整推動策略。",
];

pub(super) fn pick<'a, T>(rng: &mut StdRng, list: &'a [T]) -> &'a T {
    &list[rng.gen_range(0..list.len())]
}

/// `lead` and then between `min` and `max` sentences from `pool`.
pub(super) fn text(
    rng: &mut StdRng,
    lead: &str,
    pool: &[&str],
    sentences: std::ops::Range<usize>,
) -> String {
    let mut out = lead.to_owned();
    for _ in 0..rng.gen_range(sentences) {
        out.push_str(pool[rng.gen_range(0..pool.len())]);
    }
    out
}
