#include "tools/ghl-sandbox/data_generator.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using Pool = absl::Span<const char* const>;

enum class AddressStyle { kNumberFirst, kNumberLast, kCommaNumber, kJapanese, kChinese };

struct Locale {
  const char* country;
  const char* timezone;
  const char* phone_prefix;
  int phone_digits;
  const char* postal_pattern;  // '#' becomes a digit
  AddressStyle address_style;
  int weight;                  // out of 1000
  Pool first_names;
  Pool last_names;
  Pool cities;
  Pool states;
  Pool streets;
  Pool companies;
};

constexpr const char* kUsFirst[] = {"James", "Mary", "Robert", "Patricia", "John", "Jennifer",
                                    "Michael", "Linda", "Pattie", "Geovany", "Prudence", "Zoë",
                                    "Renée", "D'Angelo", "Mary-Kate", "Chloé"};
constexpr const char* kUsLast[] = {"Smith", "Johnson", "Nienow", "Thompson", "O'Connor", "Kub",
                                   "García", "Miller", "Davis", "Schuster", "McDermott", "Lind"};
constexpr const char* kUsCities[] = {"Jacobsstead", "North Kareem", "Enaton", "Springfield",
                                     "Riverside", "Port Angeles"};
constexpr const char* kUsStates[] = {"IN", "WV", "OK", "CA", "TX", "NY", "FL"};
constexpr const char* kUsStreets[] = {"Diana Manors", "Cecil Harbors", "Lee Street", "Oak Avenue",
                                      "Maple Court"};
constexpr const char* kUsCompanies[] = {"Dicki-Wintheiser, Jacobson and Blanda",
                                        "Bayer, Gislason and Schmeler",
                                        "Quitzon, Bartell and Macejkovic", "Acme Corp", "Initech LLC"};

constexpr const char* kDeFirst[] = {"Jürgen", "Sören", "Käthe", "Björn", "Lukas", "Denise",
                                    "Ivan", "Jörg", "Anna-Lena", "Maximilian"};
constexpr const char* kDeLast[] = {"Müller", "Schröder", "Weiß", "Groß", "Köhler", "Kahlert",
                                   "Spinner", "Fischer", "von Bülow"};
constexpr const char* kDeCities[] = {"München", "Köln", "Düsseldorf", "Nürnberg", "Lübeck",
                                     "West Janinascheid"};
constexpr const char* kDeStates[] = {"BW", "BY", "RP", "NW", "HE"};
constexpr const char* kDeStreets[] = {"Pregelstr.", "Golo-Mann-Str.", "Im Staderfeld",
                                      "Königsallee", "Straße des 17. Juni"};
constexpr const char* kDeCompanies[] = {"Roschinsky-Gutowicz", "Müller & Söhne GmbH",
                                        "Schröder AG", "Bäckerei Groß KG"};

constexpr const char* kFrFirst[] = {"Geneviève", "Hélène", "Éloïse", "François", "Jérôme",
                                    "Hippolyte", "Noël", "Benoît", "Cécile", "Longin"};
constexpr const char* kFrLast[] = {"Lefèvre", "Colin", "Henry", "Schmitt", "Bérenger", "Dubois",
                                   "Rousseau", "Chevalier"};
constexpr const char* kFrCities[] = {"La Rochelle", "Nancy", "Rennes", "Besançon", "Orléans",
                                     "Nîmes"};
constexpr const char* kFrStates[] = {"IDF", "ARA", "PAC", "BRE", "OCC"};
constexpr const char* kFrStreets[] = {"rue de la Paix", "avenue des Champs-Élysées",
                                      "boulevard Saint-Michel", "place Bellecour"};
constexpr const char* kFrCompanies[] = {"Lefèvre et Fils", "Dubois SARL", "Société Générale d'Édition"};

constexpr const char* kJpFirst[] = {"桜", "千代", "淳", "陽翔", "蓮", "結衣", "美咲", "翔太"};
constexpr const char* kJpLast[] = {"高瀬", "栗原", "荻野", "佐藤", "鈴木", "高橋", "田中", "渡辺"};
constexpr const char* kJpCities[] = {"和彦町", "直美区", "伊東市", "横浜市", "札幌市"};
constexpr const char* kJpStates[] = {"14", "4", "47", "13", "27"};
constexpr const char* kJpStreets[] = {""};
constexpr const char* kJpCompanies[] = {"株式会社山田水産", "合名会社佐々木倉庫", "有限会社田中商事"};

constexpr const char* kAeFirst[] = {"فاطمه", "بتول", "بندر", "محمد", "مريم", "خالد", "نورة", "عمر"};
constexpr const char* kAeLast[] = {"النابلي", "سويس", "بن عبدالله", "المنصوري", "الكعبي",
                                   "الشامسي"};
constexpr const char* kAeCities[] = {"دوز", "الخيام", "حضرموت", "دبي", "العين"};
constexpr const char* kAeStates[] = {"WV", "NV", "AZ", "DU", "AZ"};
constexpr const char* kAeStreets[] = {"درب، طريق ريم", "طريق مسدود بتول", "شارع بن عاشور"};
constexpr const char* kAeCompanies[] = {"عطالله - العنابي", "الشتيوي LLC", "جراد - جابالله"};

constexpr const char* kBrFirst[] = {"João", "Benício", "Roberto", "Conceição", "Antônio", "Luíza",
                                    "Maria Clara", "Sebastião", "Otávio"};
constexpr const char* kBrLast[] = {"Reis", "Oliveira", "Carvalho", "Gonçalves", "Araújo", "Simões",
                                   "dos Santos"};
constexpr const char* kBrCities[] = {"Yasmin do Sul", "Macedo do Norte", "Santos de Nossa Senhora",
                                     "São Paulo", "Florianópolis"};
constexpr const char* kBrStates[] = {"SP", "PA", "SC", "GO", "AL"};
constexpr const char* kBrStreets[] = {"Rua das Flores", "Avenida Paulista", "Travessa São João"};
constexpr const char* kBrCompanies[] = {"Oliveira, Reis e Carvalho", "Araújo Comércio Ltda.",
                                        "Simões S.A."};

constexpr const char* kMxFirst[] = {"Sofía", "José Luis", "Ernesto", "María José", "Jesús",
                                    "Andrés", "Ximena", "Ramón", "Verónica"};
constexpr const char* kMxLast[] = {"Puga Khalid", "Korta Hernández", "Campos Valencia", "Peña",
                                   "Núñez", "Ibáñez", "Martínez"};
constexpr const char* kMxCities[] = {"Tecomán", "Irapuato", "Matamoros", "Querétaro", "Mérida"};
constexpr const char* kMxStates[] = {"JAL", "CDMX", "YUC", "GTO", "COL"};
constexpr const char* kMxStreets[] = {"Calle Hidalgo", "Avenida Juárez", "Privada Zaragoza"};
constexpr const char* kMxCompanies[] = {"Grupo Peña y Asociados", "Núñez, Ibáñez y Martínez",
                                        "Comercializadora del Bajío S.A. de C.V."};

constexpr const char* kInFirst[] = {"Trisha", "Aishani", "Chidambar", "Aarav", "Priya", "Rohan",
                                    "आरव", "प्रिया"};
constexpr const char* kInLast[] = {"Verma", "Dhawan", "Mukhopadhyay", "Iyer", "Reddy", "शर्मा",
                                   "गुप्ता"};
constexpr const char* kInCities[] = {"Sasvad", "Nawabganj", "Sangli", "Pune", "बेंगलुरु"};
constexpr const char* kInStates[] = {"HP", "TR", "LD", "MH", "KA"};
constexpr const char* kInStreets[] = {"Chatura Estate", "Reddy Junction", "Dutta-Iyer Knolls"};
constexpr const char* kInCompanies[] = {"Agarwal - Nehru-Kaniyar", "Gill Brothers", "Iyer & Sons"};

constexpr const char* kCnFirst[] = {"俊杰", "梓豪", "天翊", "子涵", "欣怡", "浩然", "雨桐"};
constexpr const char* kCnLast[] = {"涂", "伍", "上官", "王", "李", "张", "欧阳"};
constexpr const char* kCnCities[] = {"诸阳市", "贵南市", "西头市", "成都市", "上海市"};
constexpr const char* kCnStates[] = {"四川", "重庆", "山东", "广东"};
constexpr const char* kCnStreets[] = {"陆路", "龙街", "倪巷"};
constexpr const char* kCnCompanies[] = {"甘肃省梓玥物流有限公司", "衡海市文韬林业集团有限公司"};

const Locale kLocales[] = {
    {"US", "America/New_York", "+1", 10, "#####", AddressStyle::kNumberFirst, 450, kUsFirst,
     kUsLast, kUsCities, kUsStates, kUsStreets, kUsCompanies},
    {"DE", "Europe/Berlin", "+49", 10, "#####", AddressStyle::kNumberLast, 100, kDeFirst, kDeLast,
     kDeCities, kDeStates, kDeStreets, kDeCompanies},
    {"FR", "Europe/Paris", "+33", 9, "#####", AddressStyle::kNumberFirst, 77, kFrFirst, kFrLast,
     kFrCities, kFrStates, kFrStreets, kFrCompanies},
    {"JP", "Asia/Tokyo", "+81", 10, "###-####", AddressStyle::kJapanese, 65, kJpFirst, kJpLast,
     kJpCities, kJpStates, kJpStreets, kJpCompanies},
    {"AE", "Asia/Dubai", "+971", 9, "#####", AddressStyle::kNumberFirst, 56, kAeFirst, kAeLast,
     kAeCities, kAeStates, kAeStreets, kAeCompanies},
    {"BR", "America/Sao_Paulo", "+55", 11, "#####-###", AddressStyle::kCommaNumber, 82, kBrFirst,
     kBrLast, kBrCities, kBrStates, kBrStreets, kBrCompanies},
    {"MX", "America/Mexico_City", "+52", 10, "#####", AddressStyle::kNumberLast, 88, kMxFirst,
     kMxLast, kMxCities, kMxStates, kMxStreets, kMxCompanies},
    {"IN", "Asia/Kolkata", "+91", 10, "### ###", AddressStyle::kNumberFirst, 52, kInFirst, kInLast,
     kInCities, kInStates, kInStreets, kInCompanies},
    {"CN", "Asia/Shanghai", "+86", 11, "######", AddressStyle::kChinese, 30, kCnFirst, kCnLast,
     kCnCities, kCnStates, kCnStreets, kCnCompanies},
};

constexpr const char* kEmailFirst[] = {"thora", "jayson", "merritt", "shea", "emanuel", "branson",
                                       "romaine", "michaela", "suzanne", "clark", "oral", "fannie",
                                       "ivory", "ceasar", "noe", "haskell", "ollie", "aurelie"};
constexpr const char* kEmailLast[] = {"yundt", "schuster", "gusikowski", "tremblay", "zemlak",
                                      "mraz", "grimes", "kovacek", "runolfsson", "mcdermott",
                                      "luettgen", "klein", "marquardt", "mills", "homenick", "wiza"};
constexpr const char* kEmailDomains[] = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com",
                                         "example.org"};
constexpr const char* kTags[] = {"café", "UPPER", "follow-up, urgent", "webinar 2026",
                                 "Rankr: scored", "  spaced  ", "cold", "vip", "customer",
                                 "見込み客", "lead", "newsletter"};
constexpr const char* kSources[] = {"facebook", "Rankr", "public api", "form: contact us", "import"};
constexpr const char* kTypes[] = {"customer", "lead"};
constexpr const char* kDndChannels[] = {"Call", "Email", "SMS", "WhatsApp", "GMB", "FB"};
constexpr const char* kDndStatuses[] = {"active", "inactive", "permanent"};
constexpr const char* kUtmSources[] = {"google", "newsletter", "facebook", "bing"};
constexpr const char* kMediums[] = {"form", "calendar", "survey", "chat_widget"};
constexpr const char* kSessionSources[] = {"Paid Search", "Organic Search", "Direct traffic",
                                           "Social media", "Referral"};
constexpr const char* kUrlWords[] = {"friendly", "tray", "brisk", "adviser", "shameless", "crest",
                                     "woeful", "numeric", "serene", "baritone"};
constexpr const char* kTlds[] = {"com", "name", "biz", "org", "info", "net"};
constexpr const char* kLorem[] = {"Temeritas", "eos", "magni", "recusandae", "amaritudo", "nobis",
                                  "valetudo", "delectus", "debeo", "atrocitas", "aggero", "veniam",
                                  "ullam", "synagoga", "carcer", "ventus", "creta", "vox"};

// The demo location's custom field definitions (location-demo/location.json).
struct FieldSeed {
  const char* id;
  const char* key;
  const char* name;
  const char* data_type;
  std::vector<std::string> options;
};

const std::vector<FieldSeed>& DemoFields() {
  static const auto* fields = new std::vector<FieldSeed>{
      {"YjfhkolJ64cbOyxZvVrs", "contact.lead_score", "Lead Score", "NUMERICAL", {}},
      {"6RxMzAw9qfSJNlhsjOee", "contact.industry", "Industry", "SINGLE_OPTIONS",
       {"SaaS", "Retail", "Health", "Real Estate", "Agency"}},
      {"1hB1JOtCRtVHauYESVds", "contact.interests", "Interests", "MULTIPLE_OPTIONS",
       {"SEO", "Ads", "Email", "Social"}},
      {"B4Hdh4unzn0Vte3bBpBn", "contact.notes_long", "Background", "LARGE_TEXT", {}},
      {"gLxAgnhdpclTfRNVbm1b", "contact.budget", "Budget", "MONETORY", {}},
      {"Gpi4XvwvRrBQARooOO4A", "contact.consent", "Consent", "CHECKBOX", {"Email", "SMS"}},
      {"YcQolvUzKiVZWCkkXYxD", "contact.first_seen", "First seen", "DATE", {}},
  };
  return *fields;
}

constexpr int64_t kStartMs = 1546344000000;  // 2019-01-01T12:00:00Z
constexpr int64_t kEndMs = 1795867200000;    // 2026-11-28T12:00:00Z
constexpr int64_t kDayMs = 86400000;

const char* Pick(SplitMix64& rng, Pool pool) { return pool[rng.Uniform(pool.size())]; }

const Locale& PickLocale(SplitMix64& rng) {
  uint64_t roll = rng.Uniform(1000);
  for (const auto& locale : kLocales) {
    if (roll < static_cast<uint64_t>(locale.weight)) return locale;
    roll -= locale.weight;
  }
  return kLocales[0];
}

std::string Digits(SplitMix64& rng, int n) {
  std::string s(static_cast<size_t>(n), '0');
  for (char& c : s) c = static_cast<char>('0' + rng.Uniform(10));
  return s;
}

std::string FromPattern(SplitMix64& rng, const char* pattern) {
  std::string s(pattern);
  for (char& c : s) {
    if (c == '#') c = static_cast<char>('0' + rng.Uniform(10));
  }
  return s;
}

std::string Address(SplitMix64& rng, const Locale& locale) {
  const std::string number = absl::StrCat(rng.Between(1, 9999));
  switch (locale.address_style) {
    case AddressStyle::kNumberFirst:
      return absl::StrCat(number, " ", Pick(rng, locale.streets));
    case AddressStyle::kNumberLast:
      return absl::StrCat(Pick(rng, locale.streets), " ", number);
    case AddressStyle::kCommaNumber:
      return absl::StrCat(Pick(rng, locale.streets), ", ", number);
    case AddressStyle::kJapanese:
      return absl::StrCat(rng.Between(1, 9), "丁目", rng.Between(1, 20), "番", rng.Between(1, 30), "号");
    case AddressStyle::kChinese:
      return absl::StrCat(Pick(rng, locale.streets), number, "号");
  }
  return number;
}

std::string Sentence(SplitMix64& rng) {
  const int words = static_cast<int>(rng.Between(3, 9));
  std::string s;
  for (int w = 0; w < words; ++w) {
    std::string word = Pick(rng, Pool(kLorem));
    if (w == 0) word[0] = static_cast<char>(word[0] >= 'a' && word[0] <= 'z' ? word[0] - 32 : word[0]);
    absl::StrAppend(&s, w == 0 ? "" : " ", word);
  }
  return s + ".";
}

// A subset of `options`, in option order, never empty.
std::vector<std::string> Subset(SplitMix64& rng, const std::vector<std::string>& options) {
  std::vector<std::string> out;
  const uint64_t mask = 1 + rng.Uniform((uint64_t{1} << options.size()) - 1);
  for (size_t i = 0; i < options.size(); ++i) {
    if (mask & (uint64_t{1} << i)) out.push_back(options[i]);
  }
  return out;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& w, absl::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void WriteMember(Writer& w, const char* key, absl::string_view value) {
  w.Key(key);
  WriteString(w, value);
}

void WriteCustomValue(Writer& w, SplitMix64& rng, const CustomFieldDefinition& def, bool typed) {
  const absl::string_view type(def.data_type);
  if (type == "NUMERICAL") {
    const int64_t v = rng.Between(0, 100);
    if (typed) {
      w.Int64(v);
    } else {
      WriteString(w, absl::StrCat(v));
    }
  } else if (type == "MONETORY") {
    const int64_t cents = rng.Between(10000, 10000000);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                  static_cast<long long>(cents % 100));
    if (typed) {
      w.Double(static_cast<double>(cents) / 100.0);
    } else {
      WriteString(w, buf);
    }
  } else if ((type == "MULTIPLE_OPTIONS" || type == "CHECKBOX") && !def.options.empty()) {
    const std::vector<std::string> chosen = Subset(rng, def.options);
    if (typed) {
      w.StartArray();
      for (const auto& o : chosen) WriteString(w, o);
      w.EndArray();
    } else {
      std::string joined;
      for (const auto& o : chosen) absl::StrAppend(&joined, joined.empty() ? "" : ", ", o);
      WriteString(w, joined);
    }
  } else if (type == "SINGLE_OPTIONS" && !def.options.empty()) {
    WriteString(w, def.options[rng.Uniform(def.options.size())]);
  } else if (type == "DATE") {
    WriteString(w, FormatIsoDate(rng.Between(kStartMs, kEndMs)));
  } else if (type == "LARGE_TEXT") {
    std::string text;
    const int n = static_cast<int>(rng.Between(1, 3));
    for (int i = 0; i < n; ++i) absl::StrAppend(&text, i == 0 ? "" : " ", Sentence(rng));
    WriteString(w, text);
  } else {
    WriteString(w, Sentence(rng));
  }
}

}  // namespace

LocationInfo GeneratedLocation(const GeneratorOptions& options) {
  LocationInfo info;
  info.id = options.location_id;
  for (const auto& f : DemoFields()) {
    info.custom_fields.push_back({f.id, f.key, f.name, f.data_type, f.options});
  }
  SplitMix64 rng(MixSeed(options.seed, ~uint64_t{0}));
  for (int i = 0; i < 6; ++i) info.users.push_back(RandomAlnumId(rng));
  for (int i = 0; i < 40; ++i) info.businesses.push_back(RandomAlnumId(rng));
  return info;
}

ContactRecord GenerateContact(const GeneratorOptions& options, const LocationInfo& location,
                              uint64_t index) {
  SplitMix64 rng(MixSeed(options.seed, index));
  ContactRecord r;
  r.id = RandomAlnumId(rng);
  r.location_id = options.location_id;
  const Locale& locale = PickLocale(rng);
  const std::string first = Pick(rng, locale.first_names);
  const std::string last = Pick(rng, locale.last_names);
  const std::string name = absl::StrCat(first, " ", last);
  std::string email;
  if (rng.Percent(90)) {
    static constexpr const char* kSeparators[] = {".", "_", ""};
    email = absl::StrCat(Pick(rng, Pool(kEmailFirst)), Pick(rng, Pool(kSeparators)),
                         Pick(rng, Pool(kEmailLast)));
    if (rng.Percent(85)) absl::StrAppend(&email, rng.Between(1, 99999));
    absl::StrAppend(&email, "@", Pick(rng, Pool(kEmailDomains)));
  }
  std::string phone;
  if (rng.Percent(80)) phone = absl::StrCat(locale.phone_prefix, Digits(rng, locale.phone_digits));
  std::string company;
  if (rng.Percent(60)) company = Pick(rng, locale.companies);
  const int64_t added = rng.Between(kStartMs, kEndMs);
  const int64_t updated = std::min(kEndMs, added + rng.Between(0, 400 * kDayMs));
  const std::string& user = location.users[rng.Uniform(location.users.size())];

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteMember(w, "id", r.id);
  WriteMember(w, "locationId", r.location_id);
  WriteMember(w, "firstName", first);
  WriteMember(w, "lastName", last);
  WriteMember(w, "name", name);
  WriteMember(w, "firstNameLowerCase", Utf8ToLower(first));
  WriteMember(w, "lastNameLowerCase", Utf8ToLower(last));
  WriteMember(w, "fullNameLowerCase", Utf8ToLower(name));
  if (!email.empty()) {
    WriteMember(w, "email", email);
    WriteMember(w, "emailLowerCase", email);
  }
  if (!phone.empty()) WriteMember(w, "phone", phone);
  WriteMember(w, "timezone", locale.timezone);
  if (!company.empty()) WriteMember(w, "companyName", company);
  w.Key("dnd");
  w.Bool(rng.Percent(5));
  w.Key("dndSettings");
  w.StartObject();
  if (rng.Percent(60)) {
    const uint64_t mask = 1 + rng.Uniform(63);
    for (size_t c = 0; c < 6; ++c) {
      if (!(mask & (uint64_t{1} << c)) || rng.Percent(50)) continue;
      w.Key(kDndChannels[c]);
      w.StartObject();
      WriteMember(w, "status", Pick(rng, Pool(kDndStatuses)));
      WriteMember(w, "message", "");
      WriteMember(w, "code", "");
      w.EndObject();
    }
  }
  w.EndObject();
  WriteMember(w, "type", Pick(rng, Pool(kTypes)));
  WriteMember(w, "source", Pick(rng, Pool(kSources)));
  if (rng.Percent(50)) WriteMember(w, "assignedTo", user);
  WriteMember(w, "address1", Address(rng, locale));
  WriteMember(w, "city", Pick(rng, locale.cities));
  WriteMember(w, "state", Pick(rng, locale.states));
  WriteMember(w, "country", locale.country);
  WriteMember(w, "postalCode", FromPattern(rng, locale.postal_pattern));
  if (rng.Percent(20)) {
    WriteMember(w, "website", absl::StrCat("https://", Pick(rng, Pool(kUrlWords)), "-",
                                           Pick(rng, Pool(kUrlWords)), ".", Pick(rng, Pool(kTlds))));
  }
  w.Key("tags");
  w.StartArray();
  {
    const uint64_t count = rng.Uniform(5);
    uint64_t used = 0;
    for (uint64_t t = 0; t < count; ++t) {
      const uint64_t k = rng.Uniform(std::size(kTags));
      if (used & (uint64_t{1} << k)) continue;
      used |= uint64_t{1} << k;
      WriteString(w, kTags[k]);
    }
  }
  w.EndArray();
  if (rng.Percent(30)) {
    WriteMember(w, "dateOfBirth", FormatIsoDate(rng.Between(-315619200000, 1009843200000)));
  }
  WriteMember(w, "dateAdded", FormatIsoMillis(added));
  WriteMember(w, "dateUpdated", FormatIsoMillis(updated));
  if (rng.Percent(70)) WriteMember(w, "lastActivity", FormatIsoMillis(updated + rng.Between(0, 200 * kDayMs)));
  if (rng.Percent(30) && !location.businesses.empty()) {
    r.business_id = location.businesses[rng.Uniform(location.businesses.size())];
    WriteMember(w, "businessId", r.business_id);
  }
  w.Key("followers");
  w.StartArray();
  if (rng.Percent(40)) WriteString(w, location.users[rng.Uniform(location.users.size())]);
  w.EndArray();
  w.Key("customFields");
  w.StartArray();
  for (const auto& def : location.custom_fields) {
    if (!rng.Percent(40)) continue;
    w.StartObject();
    WriteMember(w, "id", def.id);
    w.Key("value");
    WriteCustomValue(w, rng, def, options.typed_custom_values);
    w.EndObject();
  }
  w.EndArray();
  if (rng.Percent(40)) {
    w.Key("attributionSource");
    w.StartObject();
    WriteMember(w, "url", absl::StrCat("https://", Pick(rng, Pool(kUrlWords)), "-",
                                       Pick(rng, Pool(kUrlWords)), ".", Pick(rng, Pool(kTlds))));
    WriteMember(w, "utmSource", Pick(rng, Pool(kUtmSources)));
    WriteMember(w, "medium", Pick(rng, Pool(kMediums)));
    WriteMember(w, "mediumId", RandomAlnumId(rng));
    WriteMember(w, "sessionSource", Pick(rng, Pool(kSessionSources)));
    w.EndObject();
  }
  w.EndObject();

  r.date_added_ms = added;
  r.json.assign(buffer.GetString(), buffer.GetSize());
  r.email_lower = email;
  r.phone = phone;
  r.search_text = Utf8ToLower(absl::StrCat(name, "\n", company));
  r.display_name = name;
  return r;
}

namespace {

constexpr const char* kTaskTitles[] = {"Check payment", "Send proposal", "Follow up on demo",
                                       "Call back"};
constexpr const char* kAppointmentStatuses[] = {"showed", "noshow", "cancelled", "confirmed"};

// FNV-1a: a fixed, platform-independent hash of a contact id.
uint64_t StableHash(absl::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string FirstNameOf(const ContactRecord& contact) {
  rapidjson::Document doc;
  doc.Parse(contact.json.data(), contact.json.size());
  if (doc.IsObject()) {
    const auto it = doc.FindMember("firstName");
    if (it != doc.MemberEnd() && it->value.IsString()) {
      return std::string(it->value.GetString(), it->value.GetStringLength());
    }
  }
  return contact.display_name;
}

}  // namespace

std::vector<RelatedRecord> GenerateRelated(const GeneratorOptions& options,
                                           const LocationInfo& location, RelatedKind kind,
                                           const ContactRecord& contact) {
  SplitMix64 rng(MixSeed(options.seed ^ (0x9E3779B97F4A7C15ull * (static_cast<uint64_t>(kind) + 1)),
                         StableHash(contact.id)));
  std::vector<RelatedRecord> out;
  const uint64_t count = kind == RelatedKind::kTask   ? rng.Uniform(4)
                         : kind == RelatedKind::kNote ? rng.Uniform(3)
                                                      : (rng.Percent(20) ? 1 : 0);
  if (count == 0) return out;
  const std::string first = FirstNameOf(contact);
  const auto user = [&] {
    return location.users.empty() ? std::string()
                                  : location.users[rng.Uniform(location.users.size())];
  };
  for (uint64_t i = 0; i < count; ++i) {
    RelatedRecord record;
    record.id = RandomAlnumId(rng);
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    WriteMember(w, "id", record.id);
    WriteMember(w, "contactId", contact.id);
    const int64_t when = rng.Between(std::max(kStartMs, contact.date_added_ms), kEndMs);
    switch (kind) {
      case RelatedKind::kTask:
        WriteMember(w, "title", absl::StrCat(Pick(rng, Pool(kTaskTitles)), " ", first));
        WriteMember(w, "body", Sentence(rng));
        WriteMember(w, "assignedTo", user());
        WriteMember(w, "dueDate", FormatIsoMillis(when));
        w.Key("completed");
        w.Bool(rng.Percent(50));
        break;
      case RelatedKind::kNote: {
        std::string body;
        const int n = static_cast<int>(rng.Between(1, 3));
        for (int s = 0; s < n; ++s) absl::StrAppend(&body, s == 0 ? "" : " ", Sentence(rng));
        WriteMember(w, "body", body);
        WriteMember(w, "userId", user());
        WriteMember(w, "dateAdded", FormatIsoMillis(when));
        break;
      }
      case RelatedKind::kAppointment: {
        WriteMember(w, "calendarId", RandomAlnumId(rng));
        WriteMember(w, "locationId", contact.location_id);
        WriteMember(w, "title", absl::StrCat("Consultation with ", first));
        WriteMember(w, "appointmentStatus", Pick(rng, Pool(kAppointmentStatuses)));
        WriteMember(w, "assignedUserId", user());
        const int64_t start = when + rng.Between(0, 30 * kDayMs);
        WriteMember(w, "startTime", FormatIsoMillis(start));
        WriteMember(w, "endTime", FormatIsoMillis(start + int64_t{30} * 60 * 1000));
        WriteMember(w, "dateAdded", FormatIsoMillis(when));
        break;
      }
    }
    w.EndObject();
    record.json.assign(buffer.GetString(), buffer.GetSize());
    out.push_back(std::move(record));
  }
  return out;
}

absl::Status GenerateDataset(const GeneratorOptions& options, ContactStore* store) {
  LocationInfo location = GeneratedLocation(options);
  store->SetRelatedGenerator(options.location_id,
                             [options, location](RelatedKind kind, const ContactRecord& contact) {
                               return GenerateRelated(options, location, kind, contact);
                             });
  std::vector<ContactRecord> records;
  records.reserve(static_cast<size_t>(options.contacts > 0 ? options.contacts : 0));
  for (int64_t i = 0; i < options.contacts; ++i) {
    records.push_back(GenerateContact(options, location, static_cast<uint64_t>(i)));
  }
  store->PutLocation(std::move(location));
  return store->AddContacts(std::move(records));
}

}  // namespace ghl::sandbox
