#include "tools/ghl-sandbox/contact_search.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {

namespace {

// How a field's values are read and compared.
enum class FieldKind {
  kText,       // a string member, compared case-insensitively
  kId,         // a string member holding an id, compared exactly
  kEmail,      // ContactRecord::email_lower
  kPhone,      // ContactRecord::phone (normalised)
  kBusiness,   // ContactRecord::business_id, compared exactly
  kTags,       // the `tags` array
  kBool,       // a boolean member (dnd)
  kTime,       // an ISO timestamp member, as ms
  kDateAdded,  // ContactRecord::date_added_ms
  kCustom,     // a custom field's value
};

enum class Op { kEq, kNotEq, kContains, kNotContains, kExists, kNotExists, kIn, kRange };

struct FieldInfo {
  const char* name;
  FieldKind kind;
};

constexpr FieldInfo kFields[] = {
    {"firstName", FieldKind::kText},
    {"lastName", FieldKind::kText},
    {"email", FieldKind::kEmail},
    {"phone", FieldKind::kPhone},
    {"tags", FieldKind::kTags},
    {"type", FieldKind::kText},
    {"source", FieldKind::kText},
    {"assignedTo", FieldKind::kId},
    {"businessId", FieldKind::kBusiness},
    {"country", FieldKind::kText},
    {"city", FieldKind::kText},
    {"state", FieldKind::kText},
    {"dnd", FieldKind::kBool},
    {"dateAdded", FieldKind::kDateAdded},
    {"dateUpdated", FieldKind::kTime},
};

constexpr const char* kFieldList =
    "firstName, lastName, email, phone, tags, type, source, assignedTo, businessId, country, city, "
    "state, dnd, dateAdded, dateUpdated, customFields.<id>";
constexpr const char* kOperatorList =
    "eq, not_eq, contains, not_contains, exists, not_exists, in, range, gt, gte, lt, lte";
constexpr int kMaxGroupDepth = 10;

// One comparable value: text (lowercased unless the field is an id) and,
// when it is one, a number (times are ms).
struct Atom {
  std::string text;
  std::optional<double> number;
};

struct Bound {
  bool set = false;
  Atom value;
};

absl::string_view View(const rapidjson::Value& v) {
  return absl::string_view(v.GetString(), v.GetStringLength());
}

bool IsCaseSensitive(FieldKind kind) {
  return kind == FieldKind::kId || kind == FieldKind::kBusiness;
}

bool IsTime(FieldKind kind) { return kind == FieldKind::kTime || kind == FieldKind::kDateAdded; }

std::string NumberText(double d) {
  if (d == std::floor(d) && std::fabs(d) < 9e15) return absl::StrCat(static_cast<int64_t>(d));
  return absl::StrCat(d);
}

}  // namespace

struct FilterNode {
  enum class Kind { kLeaf, kAnd, kOr };
  Kind kind = Kind::kLeaf;
  std::vector<FilterNode> children;
  FieldKind field = FieldKind::kText;
  std::string member;  // JSON member name, or the custom field id
  Op op = Op::kEq;
  std::vector<Atom> values;  // eq / not_eq / in / contains / not_contains
  Bound gt, gte, lt, lte;
};

SearchRequest::SearchRequest() = default;
SearchRequest::~SearchRequest() = default;
SearchRequest::SearchRequest(SearchRequest&&) noexcept = default;
SearchRequest& SearchRequest::operator=(SearchRequest&&) noexcept = default;

namespace {

// ---------------------------------------------------------------- parsing

class Parser {
 public:
  Parser(const LocationInfo* location, std::vector<std::string>* messages)
      : location_(location), messages_(messages) {}

  bool ParseClauses(const rapidjson::Value& list, const std::string& path, int depth,
                    std::vector<FilterNode>* out) {
    if (!list.IsArray()) return Fail(absl::StrCat(path, " must be an array"));
    bool ok = true;
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      FilterNode node;
      if (ParseClause(list[i], absl::StrCat(path, ".", i), depth, &node)) {
        out->push_back(std::move(node));
      } else {
        ok = false;
      }
    }
    return ok;
  }

 private:
  bool Fail(std::string message) {
    messages_->push_back(std::move(message));
    return false;
  }

  bool ParseClause(const rapidjson::Value& item, const std::string& path, int depth,
                   FilterNode* out) {
    if (!item.IsObject()) return Fail(absl::StrCat(path, " must be an object"));
    if (item.HasMember("group")) return ParseGroup(item, path, depth, out);
    return ParseLeaf(item, path, out);
  }

  bool ParseGroup(const rapidjson::Value& item, const std::string& path, int depth,
                  FilterNode* out) {
    bool ok = true;
    for (const auto& m : item.GetObject()) {
      const absl::string_view key = View(m.name);
      if (key != "group" && key != "filters") {
        ok = Fail(absl::StrCat("property ", path, ".", key, " should not exist"));
      }
    }
    const rapidjson::Value& group = item["group"];
    const absl::string_view logic = group.IsString() ? View(group) : absl::string_view();
    if (logic == "AND" || logic == "and") {
      out->kind = FilterNode::Kind::kAnd;
    } else if (logic == "OR" || logic == "or") {
      out->kind = FilterNode::Kind::kOr;
    } else {
      ok = Fail(absl::StrCat(path, ".group must be one of the following values: AND, OR"));
    }
    if (depth >= kMaxGroupDepth) {
      return Fail(absl::StrCat(path, " nests groups deeper than ", kMaxGroupDepth, " levels"));
    }
    const auto filters = item.FindMember("filters");
    if (filters == item.MemberEnd() || (filters->value.IsArray() && filters->value.Empty())) {
      return Fail(absl::StrCat(path, ".filters should not be empty"));
    }
    return ParseClauses(filters->value, absl::StrCat(path, ".filters"), depth + 1,
                        &out->children) &&
           ok;
  }

  bool ResolveField(absl::string_view name, const std::string& path, FilterNode* out) {
    for (const auto& f : kFields) {
      if (name == f.name) {
        out->field = f.kind;
        out->member = f.name;
        return true;
      }
    }
    if (absl::StartsWith(name, "customFields.") || absl::StartsWith(name, "customField.")) {
      const absl::string_view ref = name.substr(name.find('.') + 1);
      const CustomFieldDefinition* def = location_ ? location_->FindCustomField(ref) : nullptr;
      if (def == nullptr) {
        return Fail(absl::StrCat(path, ".field refers to an unknown custom field: ", ref));
      }
      out->field = FieldKind::kCustom;
      out->member = def->id;
      return true;
    }
    return Fail(absl::StrCat(path, ".field must be one of the following values: ", kFieldList));
  }

  // Converts a scalar to an Atom for the node's field.
  bool ToAtom(const rapidjson::Value& v, const FilterNode& node, const std::string& path,
              Atom* out) {
    if (IsTime(node.field)) {
      if (v.IsNumber()) {
        out->number = v.GetDouble();
      } else if (v.IsString()) {
        const auto ms = ParseIso8601(View(v));
        if (!ms)
          return Fail(
              absl::StrCat(path, " must be a valid ISO 8601 date string or epoch milliseconds"));
        out->number = static_cast<double>(*ms);
      } else {
        return Fail(
            absl::StrCat(path, " must be a valid ISO 8601 date string or epoch milliseconds"));
      }
      out->text = NumberText(*out->number);
      return true;
    }
    if (node.field == FieldKind::kBool) {
      if (v.IsBool()) {
        out->text = v.GetBool() ? "true" : "false";
      } else if (v.IsString() && (View(v) == "true" || View(v) == "false")) {
        out->text = std::string(View(v));
      } else {
        return Fail(absl::StrCat(path, " must be a boolean value"));
      }
      return true;
    }
    if (v.IsString()) {
      const absl::string_view text = View(v);
      if (node.field == FieldKind::kPhone) {
        const auto normalized = NormalizePhone(text);
        out->text =
            normalized && (node.op == Op::kEq || node.op == Op::kNotEq || node.op == Op::kIn)
                ? *normalized
                : std::string(text);
      } else {
        out->text = IsCaseSensitive(node.field) ? std::string(text) : Utf8ToLower(text);
      }
      double d = 0;
      if (absl::SimpleAtod(text, &d) && std::isfinite(d)) out->number = d;
      return true;
    }
    if (v.IsNumber()) {
      out->number = v.GetDouble();
      out->text = NumberText(v.GetDouble());
      return true;
    }
    if (v.IsBool()) {
      out->text = v.GetBool() ? "true" : "false";
      return true;
    }
    return Fail(absl::StrCat(path, " must be a string, a number or a boolean"));
  }

  bool ParseBound(const rapidjson::Value& v, const FilterNode& node, const std::string& path,
                  Bound* out) {
    out->set = true;
    return ToAtom(v, node, path, &out->value);
  }

  bool ParseLeaf(const rapidjson::Value& item, const std::string& path, FilterNode* out) {
    bool ok = true;
    for (const auto& m : item.GetObject()) {
      const absl::string_view key = View(m.name);
      if (key != "field" && key != "operator" && key != "value") {
        ok = Fail(absl::StrCat("property ", path, ".", key, " should not exist"));
      }
    }
    const absl::string_view field = StringOf(item, "field");
    if (field.empty()) {
      ok = Fail(absl::StrCat(path, ".field should not be empty"));
    } else if (!ResolveField(field, path, out)) {
      ok = false;
    }
    const absl::string_view op = StringOf(item, "operator");
    std::optional<Bound FilterNode::*> single_bound;
    if (op == "eq") {
      out->op = Op::kEq;
    } else if (op == "not_eq") {
      out->op = Op::kNotEq;
    } else if (op == "contains") {
      out->op = Op::kContains;
    } else if (op == "not_contains") {
      out->op = Op::kNotContains;
    } else if (op == "exists") {
      out->op = Op::kExists;
    } else if (op == "not_exists") {
      out->op = Op::kNotExists;
    } else if (op == "in") {
      out->op = Op::kIn;
    } else if (op == "range") {
      out->op = Op::kRange;
    } else if (op == "gt" || op == "gte" || op == "lt" || op == "lte") {
      out->op = Op::kRange;
      single_bound = op == "gt"    ? &FilterNode::gt
                     : op == "gte" ? &FilterNode::gte
                     : op == "lt"  ? &FilterNode::lt
                                   : &FilterNode::lte;
    } else {
      ok = Fail(op.empty()
                    ? absl::StrCat(path, ".operator should not be empty")
                    : absl::StrCat(
                          path, ".operator must be one of the following values: ", kOperatorList));
      return false;
    }
    if (!ok) return false;
    if (out->op == Op::kExists || out->op == Op::kNotExists) return true;
    if (out->op == Op::kRange &&
        (out->field == FieldKind::kBool || out->field == FieldKind::kTags)) {
      return Fail(absl::StrCat(path, ".operator ", op, " is not supported for field ", field));
    }
    const std::string value_path = absl::StrCat(path, ".value");
    const auto value_it = item.FindMember("value");
    if (value_it == item.MemberEnd() || value_it->value.IsNull() ||
        (value_it->value.IsString() && value_it->value.GetStringLength() == 0)) {
      return Fail(absl::StrCat(value_path, " should not be empty"));
    }
    const rapidjson::Value& value = value_it->value;
    if (single_bound) return ParseBound(value, *out, value_path, &((*out).*(*single_bound)));
    if (out->op == Op::kRange) {
      if (!value.IsObject()) {
        return Fail(absl::StrCat(value_path, " must be an object with gt, gte, lt or lte"));
      }
      bool any = false;
      for (const auto& m : value.GetObject()) {
        const absl::string_view key = View(m.name);
        Bound* bound = key == "gt"    ? &out->gt
                       : key == "gte" ? &out->gte
                       : key == "lt"  ? &out->lt
                       : key == "lte" ? &out->lte
                                      : nullptr;
        if (bound == nullptr) {
          ok = Fail(absl::StrCat("property ", value_path, ".", key, " should not exist"));
          continue;
        }
        any = true;
        ok = ParseBound(m.value, *out, absl::StrCat(value_path, ".", key), bound) && ok;
      }
      if (!any && ok)
        return Fail(absl::StrCat(value_path, " must be an object with gt, gte, lt or lte"));
      return ok;
    }
    if (value.IsArray()) {
      if (out->op == Op::kContains || out->op == Op::kNotContains) {
        return Fail(absl::StrCat(value_path, " must be a string"));
      }
      if (value.Empty()) return Fail(absl::StrCat(value_path, " should not be empty"));
      if (out->op == Op::kEq) out->op = Op::kIn;
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        Atom atom;
        if (!ToAtom(value[i], *out, absl::StrCat(value_path, ".", i), &atom)) return false;
        out->values.push_back(std::move(atom));
      }
      return true;
    }
    if (out->op == Op::kIn) return Fail(absl::StrCat(value_path, " must be an array"));
    if ((out->op == Op::kContains || out->op == Op::kNotContains) && !value.IsString()) {
      return Fail(absl::StrCat(value_path, " must be a string"));
    }
    Atom atom;
    if (!ToAtom(value, *out, value_path, &atom)) return false;
    out->values.push_back(std::move(atom));
    return true;
  }

  static absl::string_view StringOf(const rapidjson::Value& obj, const char* name) {
    const auto it = obj.FindMember(name);
    return it != obj.MemberEnd() && it->value.IsString() ? View(it->value) : absl::string_view();
  }

  const LocationInfo* location_;
  std::vector<std::string>* messages_;
};

std::string CompactJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  v.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

size_t CharacterCount(absl::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// An integer-valued number member: nullopt + message when malformed.
std::optional<int64_t> IntegerMember(const rapidjson::Value& v, absl::string_view name,
                                     std::vector<std::string>* messages) {
  if (!v.IsNumber()) {
    messages->push_back(
        absl::StrCat(name, " must be a number conforming to the specified constraints"));
    return std::nullopt;
  }
  const double d = v.GetDouble();
  if (d != std::floor(d) || !std::isfinite(d)) {
    messages->push_back(absl::StrCat(name, " must be an integer number"));
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

const char* SortFieldName(SortField f) {
  switch (f) {
    case SortField::kDateAdded:
      return "dateAdded";
    case SortField::kDateUpdated:
      return "dateUpdated";
    case SortField::kFirstName:
      return "firstName";
    case SortField::kLastName:
      return "lastName";
    case SortField::kEmail:
      return "email";
  }
  return "";
}

bool IsTimeSort(SortField f) { return f == SortField::kDateAdded || f == SortField::kDateUpdated; }

}  // namespace

std::vector<SortSpec> ContactSearcher::DefaultSort() {
  return {SortSpec{SortField::kDateAdded, true}};
}

std::vector<std::string> ParseSearchRequest(const rapidjson::Value& body,
                                            const LocationInfo* location, SearchRequest* out) {
  std::vector<std::string> messages;
  if (!body.IsObject()) {
    messages.push_back("locationId should not be empty");
    messages.push_back("pageLimit should not be empty");
    return messages;
  }
  static constexpr const char* kKnown[] = {"locationId", "pageLimit", "page", "searchAfter",
                                           "query",      "filters",   "sort"};
  for (const auto& m : body.GetObject()) {
    const absl::string_view key = View(m.name);
    if (std::none_of(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return key == k; })) {
      messages.push_back(absl::StrCat("property ", key, " should not exist"));
    }
  }
  const auto member = [&](const char* name) -> const rapidjson::Value* {
    const auto it = body.FindMember(name);
    return it == body.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  };

  if (const rapidjson::Value* v = member("locationId");
      v == nullptr || (v->IsString() && v->GetStringLength() == 0)) {
    messages.push_back("locationId should not be empty");
  } else if (!v->IsString()) {
    messages.push_back("locationId must be a string");
  } else {
    out->location_id = std::string(View(*v));
  }

  if (const rapidjson::Value* v = member("pageLimit"); v == nullptr) {
    messages.push_back("pageLimit should not be empty");
  } else if (auto n = IntegerMember(*v, "pageLimit", &messages)) {
    if (*n > kSearchMaxPageLimit) {
      messages.push_back(absl::StrCat("pageLimit must not be greater than ", kSearchMaxPageLimit));
    } else if (*n < 1) {
      messages.push_back("pageLimit must not be less than 1");
    } else {
      out->page_limit = static_cast<int>(*n);
    }
  }

  const rapidjson::Value* page = member("page");
  if (page != nullptr) {
    if (auto n = IntegerMember(*page, "page", &messages)) {
      if (*n < 1) {
        messages.push_back("page must not be less than 1");
      } else if (out->page_limit > 0 && *n * out->page_limit > kSearchPageCap) {
        messages.push_back(absl::StrCat(
            "page * pageLimit must not exceed ", kSearchPageCap,
            ": page numbering stops at 10000 results; to read further, send searchAfter (the "
            "searchAfter of the last contact of the previous page) instead of page"));
      } else {
        out->page = static_cast<int>(std::min<int64_t>(*n, kSearchPageCap));
      }
    }
  }

  if (const rapidjson::Value* v = member("query")) {
    if (!v->IsString()) {
      messages.push_back("query must be a string");
    } else if (CharacterCount(View(*v)) > kSearchMaxQueryLength) {
      messages.push_back(absl::StrCat("query must be shorter than or equal to ",
                                      kSearchMaxQueryLength, " characters"));
    } else {
      out->query_lower = Utf8ToLower(View(*v));
    }
  }

  const rapidjson::Value* filters = member("filters");
  if (filters != nullptr) {
    std::vector<FilterNode> clauses;
    Parser parser(location, &messages);
    if (parser.ParseClauses(*filters, "filters", 1, &clauses) && !clauses.empty()) {
      out->filter = std::make_unique<FilterNode>();
      out->filter->kind = FilterNode::Kind::kAnd;
      out->filter->children = std::move(clauses);
    }
  }

  const rapidjson::Value* sort = member("sort");
  if (sort != nullptr) {
    if (!sort->IsArray()) {
      messages.push_back("sort must be an array");
    } else {
      for (rapidjson::SizeType i = 0; i < sort->Size(); ++i) {
        const rapidjson::Value& item = (*sort)[i];
        const std::string path = absl::StrCat("sort.", i);
        if (!item.IsObject()) {
          messages.push_back(absl::StrCat(path, " must be an object"));
          continue;
        }
        SortSpec spec;
        bool ok = true;
        for (const auto& m : item.GetObject()) {
          const absl::string_view key = View(m.name);
          if (key != "field" && key != "direction") {
            messages.push_back(absl::StrCat("property ", path, ".", key, " should not exist"));
            ok = false;
          }
        }
        const auto field = item.FindMember("field");
        const absl::string_view name =
            field != item.MemberEnd() && field->value.IsString() ? View(field->value) : "";
        bool known = false;
        for (SortField f : {SortField::kDateAdded, SortField::kDateUpdated, SortField::kFirstName,
                            SortField::kLastName, SortField::kEmail}) {
          if (name == SortFieldName(f)) {
            spec.field = f;
            known = true;
          }
        }
        if (!known) {
          messages.push_back(absl::StrCat(path,
                                          ".field must be one of the following values: dateAdded, "
                                          "dateUpdated, firstName, lastName, email"));
          ok = false;
        }
        const auto direction = item.FindMember("direction");
        if (direction != item.MemberEnd() && !direction->value.IsNull()) {
          const absl::string_view d = direction->value.IsString() ? View(direction->value) : "";
          if (d == "desc" || d == "DESC") {
            spec.descending = true;
          } else if (d != "asc" && d != "ASC") {
            messages.push_back(
                absl::StrCat(path, ".direction must be one of the following values: asc, desc"));
            ok = false;
          }
        }
        if (ok) out->sort.push_back(spec);
      }
    }
  }
  if (out->sort.empty()) out->sort = ContactSearcher::DefaultSort();

  if (const rapidjson::Value* v = member("searchAfter")) {
    const std::string expected = absl::StrCat(
        "searchAfter must be the searchAfter array of a contact from a previous answer to the same "
        "search (",
        out->sort.size() + 1, " values: the sort values, then the contact id)");
    if (page != nullptr) {
      messages.push_back(
          "page and searchAfter cannot be used together: send searchAfter without page");
    } else if (!v->IsArray() || v->Size() != out->sort.size() + 1) {
      messages.push_back(expected);
    } else {
      SortKey key;
      bool ok = true;
      for (size_t i = 0; i < out->sort.size() && ok; ++i) {
        const rapidjson::Value& item = (*v)[static_cast<rapidjson::SizeType>(i)];
        SortValue value;
        if (IsTimeSort(out->sort[i].field)) {
          ok = item.IsNumber() && std::isfinite(item.GetDouble());
          if (ok) {
            value.is_number = true;
            value.number = static_cast<int64_t>(item.GetDouble());
          }
        } else {
          ok = item.IsString();
          if (ok) value.text = std::string(View(item));
        }
        key.push_back(std::move(value));
      }
      const rapidjson::Value& id = (*v)[static_cast<rapidjson::SizeType>(out->sort.size())];
      ok = ok && id.IsString();
      if (ok) {
        key.push_back(SortValue{false, 0, std::string(View(id))});
        out->search_after = std::move(key);
      } else {
        messages.push_back(expected);
      }
    }
  }
  if (!messages.empty()) return messages;

  std::string sort_text;
  for (const auto& s : out->sort) {
    absl::StrAppend(&sort_text, SortFieldName(s.field), s.descending ? "-" : "+", ",");
  }
  out->cache_key = absl::StrCat(out->location_id, "\x1f", out->query_lower, "\x1f",
                                filters ? CompactJson(*filters) : "", "\x1f", sort_text);
  return messages;
}

// ----------------------------------------------------------- evaluation

namespace {

// Parsing buffers reused for every contact of one search, so a pass over a
// large location does not allocate per contact.
struct ParseArena {
  rapidjson::MemoryPoolAllocator<> pool{size_t{64} * 1024};
  rapidjson::Document doc{&pool};
};

// A contact being matched: its record, and its JSON parsed on first need
// (into the arena; valid until the next contact's view parses).
class ContactView {
 public:
  ContactView(const ContactRecord* record, ParseArena* arena) : record_(record), arena_(arena) {}

  const ContactRecord& Record() const { return *record_; }

  const rapidjson::Value& Doc() {
    if (!parsed_) {
      arena_->pool.Clear();
      arena_->doc.Parse(record_->json.data(), record_->json.size());
      if (arena_->doc.HasParseError() || !arena_->doc.IsObject()) arena_->doc.SetObject();
      parsed_ = true;
    }
    return arena_->doc;
  }

  const rapidjson::Value* Member(const std::string& name) {
    const rapidjson::Value& doc = Doc();
    const auto it = doc.FindMember(rapidjson::StringRef(name.data(), name.size()));
    return it == doc.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  }

 private:
  const ContactRecord* record_;
  ParseArena* arena_;
  bool parsed_ = false;
};

void AddAtoms(const rapidjson::Value& v, bool lower, std::vector<Atom>* out) {
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) AddAtoms(item, lower, out);
    return;
  }
  Atom atom;
  if (v.IsString()) {
    atom.text = lower ? Utf8ToLower(View(v)) : std::string(View(v));
    double d = 0;
    if (absl::SimpleAtod(View(v), &d) && std::isfinite(d)) atom.number = d;
  } else if (v.IsNumber()) {
    atom.number = v.GetDouble();
    atom.text = NumberText(v.GetDouble());
  } else if (v.IsBool()) {
    atom.text = v.GetBool() ? "true" : "false";
  } else {
    return;
  }
  out->push_back(std::move(atom));
}

// The values of a field on a contact; empty means missing (or empty).
std::vector<Atom> AtomsOf(const FilterNode& node, ContactView& c) {
  std::vector<Atom> atoms;
  const ContactRecord& r = c.Record();
  switch (node.field) {
    case FieldKind::kEmail:
      if (!r.email_lower.empty()) atoms.push_back(Atom{r.email_lower, std::nullopt});
      return atoms;
    case FieldKind::kPhone:
      if (!r.phone.empty()) atoms.push_back(Atom{r.phone, std::nullopt});
      return atoms;
    case FieldKind::kBusiness:
      if (!r.business_id.empty()) atoms.push_back(Atom{r.business_id, std::nullopt});
      return atoms;
    case FieldKind::kDateAdded:
      atoms.push_back(Atom{NumberText(static_cast<double>(r.date_added_ms)),
                           static_cast<double>(r.date_added_ms)});
      return atoms;
    case FieldKind::kTime: {
      const rapidjson::Value* v = c.Member(node.member);
      if (v && v->IsString()) {
        if (auto ms = ParseIso8601(View(*v))) {
          atoms.push_back(Atom{NumberText(static_cast<double>(*ms)), static_cast<double>(*ms)});
        }
      }
      return atoms;
    }
    case FieldKind::kCustom: {
      const rapidjson::Value* fields = c.Member("customFields");
      if (fields == nullptr || !fields->IsArray()) return atoms;
      for (const auto& f : fields->GetArray()) {
        if (!f.IsObject()) continue;
        const auto id = f.FindMember("id");
        if (id == f.MemberEnd() || !id->value.IsString() || View(id->value) != node.member)
          continue;
        const auto value = f.FindMember("value");
        if (value != f.MemberEnd()) AddAtoms(value->value, true, &atoms);
      }
      break;
    }
    case FieldKind::kText:
    case FieldKind::kId:
    case FieldKind::kTags:
    case FieldKind::kBool:
      if (const rapidjson::Value* v = c.Member(node.member)) {
        AddAtoms(*v, !IsCaseSensitive(node.field), &atoms);
      }
      break;
  }
  atoms.erase(std::remove_if(atoms.begin(), atoms.end(),
                             [](const Atom& a) { return a.text.empty() && !a.number; }),
              atoms.end());
  return atoms;
}

bool AtomEquals(const Atom& a, const Atom& v) {
  if (a.number && v.number) return *a.number == *v.number;
  return a.text == v.text;
}

// <0, 0, >0 as a sorts before, with, after b.
int AtomCompare(const Atom& a, const Atom& b) {
  if (a.number && b.number) return *a.number < *b.number ? -1 : (*a.number > *b.number ? 1 : 0);
  return a.text.compare(b.text);
}

bool InRange(const Atom& a, const FilterNode& n) {
  if (n.gt.set && !(AtomCompare(a, n.gt.value) > 0)) return false;
  if (n.gte.set && !(AtomCompare(a, n.gte.value) >= 0)) return false;
  if (n.lt.set && !(AtomCompare(a, n.lt.value) < 0)) return false;
  if (n.lte.set && !(AtomCompare(a, n.lte.value) <= 0)) return false;
  return true;
}

bool Matches(const FilterNode& node, ContactView& c) {
  switch (node.kind) {
    case FilterNode::Kind::kAnd:
      for (const auto& child : node.children) {
        if (!Matches(child, c)) return false;
      }
      return true;
    case FilterNode::Kind::kOr:
      for (const auto& child : node.children) {
        if (Matches(child, c)) return true;
      }
      return false;
    case FilterNode::Kind::kLeaf:
      break;
  }
  const std::vector<Atom> atoms = AtomsOf(node, c);
  const auto any = [&](auto pred) { return std::any_of(atoms.begin(), atoms.end(), pred); };
  switch (node.op) {
    case Op::kExists:
      return !atoms.empty();
    case Op::kNotExists:
      return atoms.empty();
    case Op::kEq:
    case Op::kIn:
      return any([&](const Atom& a) {
        return std::any_of(node.values.begin(), node.values.end(),
                           [&](const Atom& v) { return AtomEquals(a, v); });
      });
    case Op::kNotEq:
      return !any([&](const Atom& a) { return AtomEquals(a, node.values.front()); });
    case Op::kContains:
      return any(
          [&](const Atom& a) { return absl::StrContains(a.text, node.values.front().text); });
    case Op::kNotContains:
      return !any(
          [&](const Atom& a) { return absl::StrContains(a.text, node.values.front().text); });
    case Op::kRange:
      return any([&](const Atom& a) { return InRange(a, node); });
  }
  return false;
}

bool MatchesQuery(const ContactRecord& r, absl::string_view q) {
  return q.empty() || absl::StrContains(r.search_text, q) || absl::StrContains(r.email_lower, q) ||
         absl::StrContains(r.phone, q);
}

absl::InlinedVector<SortValue, 1> ValuesOf(const std::vector<SortSpec>& sort, ContactView& c) {
  absl::InlinedVector<SortValue, 1> values;
  const ContactRecord& r = c.Record();
  for (const auto& s : sort) {
    SortValue v;
    switch (s.field) {
      case SortField::kDateAdded:
        v.is_number = true;
        v.number = r.date_added_ms;
        break;
      case SortField::kDateUpdated: {
        v.is_number = true;
        const rapidjson::Value* m = c.Member("dateUpdated");
        if (m && m->IsString()) v.number = ParseIso8601(View(*m)).value_or(0);
        break;
      }
      case SortField::kFirstName:
      case SortField::kLastName: {
        const rapidjson::Value* m = c.Member(SortFieldName(s.field));
        if (m && m->IsString()) v.text = Utf8ToLower(View(*m));
        break;
      }
      case SortField::kEmail:
        v.text = r.email_lower;
        break;
    }
    values.push_back(std::move(v));
  }
  return values;
}

// True when (a, a_id) sorts before (b, b_id): by the first sort.size()
// values under `sort`, then by id ascending.
template <typename A, typename B>
bool KeyLess(const std::vector<SortSpec>& sort, const A& a, absl::string_view a_id, const B& b,
             absl::string_view b_id) {
  for (size_t i = 0; i < sort.size(); ++i) {
    int c = 0;
    if (a[i].is_number) {
      c = a[i].number < b[i].number ? -1 : (a[i].number > b[i].number ? 1 : 0);
    } else {
      c = a[i].text.compare(b[i].text);
    }
    if (c != 0) return sort[i].descending ? c > 0 : c < 0;
  }
  return a_id < b_id;
}

std::string KeyJson(const absl::InlinedVector<SortValue, 1>& values, absl::string_view id) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto& v : values) {
    if (v.is_number) {
      w.Int64(v.number);
    } else {
      w.String(v.text.data(), static_cast<rapidjson::SizeType>(v.text.size()));
    }
  }
  w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

ContactSearcher::ContactSearcher(size_t cache_entries, size_t cache_rows)
    : cache_entries_(cache_entries), cache_rows_(cache_rows) {}

std::shared_ptr<const ContactSearcher::Result> ContactSearcher::Compute(
    const ContactStore& store, const SearchRequest& request) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if ((*it)->version == store.version() && (*it)->cache_key == request.cache_key) {
        auto hit = *it;
        cache_.erase(it);
        cache_.push_front(hit);
        return hit;
      }
    }
  }
  auto result = std::make_shared<Result>();
  result->version = store.version();
  result->cache_key = request.cache_key;
  result->sort = request.sort;
  const auto& sort = result->sort;
  auto arena = std::make_unique<ParseArena>();
  const auto consider = [&](const ContactRecord* r) {
    if (!MatchesQuery(*r, request.query_lower)) return;
    ContactView view(r, arena.get());
    if (request.filter && !Matches(*request.filter, view)) return;
    result->rows.push_back(Row{r, ValuesOf(sort, view)});
  };
  // The location is kept in (dateAdded, id) order: a dateAdded sort needs
  // no sorting (descending walks the groups of equal dateAdded backwards,
  // keeping ids ascending inside each).
  const auto& order = store.Ordered(request.location_id);
  if (sort.size() == 1 && sort[0].field == SortField::kDateAdded && !sort[0].descending) {
    for (const ContactRecord* r : order) consider(r);
  } else if (sort.size() == 1 && sort[0].field == SortField::kDateAdded) {
    size_t end = order.size();
    while (end > 0) {
      size_t begin = end - 1;
      while (begin > 0 && order[begin - 1]->date_added_ms == order[end - 1]->date_added_ms) --begin;
      for (size_t i = begin; i < end; ++i) consider(order[i]);
      end = begin;
    }
  } else {
    for (const ContactRecord* r : order) consider(r);
    std::sort(result->rows.begin(), result->rows.end(), [&](const Row& a, const Row& b) {
      return KeyLess(sort, a.values, a.record->id, b.values, b.record->id);
    });
  }
  if (result->rows.size() > cache_rows_) return result;
  std::lock_guard<std::mutex> lock(mu_);
  cache_.push_front(result);
  size_t rows = 0;
  size_t kept = 0;
  for (auto it = cache_.begin(); it != cache_.end();) {
    rows += (*it)->rows.size();
    if (kept >= cache_entries_ || (kept > 0 && rows > cache_rows_)) {
      it = cache_.erase(it);
    } else {
      ++kept;
      ++it;
    }
  }
  return result;
}

SearchPage ContactSearcher::Search(const ContactStore& store, const SearchRequest& request) {
  const std::shared_ptr<const Result> result = Compute(store, request);
  const auto& rows = result->rows;
  SearchPage page;
  page.total = rows.size();
  size_t start = 0;
  if (request.search_after) {
    const SortKey& after = *request.search_after;
    start =
        static_cast<size_t>(std::upper_bound(rows.begin(), rows.end(), after,
                                             [&](const SortKey& key, const Row& row) {
                                               return KeyLess(result->sort, key, key.back().text,
                                                              row.values, row.record->id);
                                             }) -
                            rows.begin());
  } else {
    start = std::min(rows.size(), static_cast<size_t>(request.page - 1) *
                                      static_cast<size_t>(request.page_limit));
  }
  const size_t end = std::min(rows.size(), start + static_cast<size_t>(request.page_limit));
  for (size_t i = start; i < end; ++i) {
    page.contacts.push_back(rows[i].record);
    page.search_after.push_back(KeyJson(rows[i].values, rows[i].record->id));
  }
  return page;
}

}  // namespace ghl::sandbox
