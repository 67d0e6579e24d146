#include "adapters/ghl/contacts/search_body.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/contacts/json_mapping.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::json::FieldPath;
using ::ghl::contacts::json::Json;
using ::ghl::contacts::json::JsonAllocator;
using ::ghl::contacts::json::JsonString;

absl::Status Invalid(const FieldPath& path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(path.ToString(), ": ", why));
}

// Characters as GHL counts them (code points; the text is valid UTF-8, as
// every proto3 string is).
size_t CharacterCount(absl::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

absl::Status CheckText(absl::string_view text, const FieldPath& path) {
  if (text.empty())
    return Invalid(path, "must not be empty (use EXISTS / NOT_EXISTS for presence)");
  if (CharacterCount(text) > kMaxSearchTextLength) {
    return Invalid(path, absl::StrCat("longer than ", kMaxSearchTextLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckNumber(double d, const FieldPath& path) {
  if (!std::isfinite(d)) return Invalid(path, "must be a finite number");
  return absl::OkStatus();
}

const char* OperatorName(v1::SearchOperator op) {
  switch (op) {
    case v1::SEARCH_OPERATOR_EQ:
      return "eq";
    case v1::SEARCH_OPERATOR_NOT_EQ:
      return "not_eq";
    case v1::SEARCH_OPERATOR_CONTAINS:
      return "contains";
    case v1::SEARCH_OPERATOR_NOT_CONTAINS:
      return "not_contains";
    case v1::SEARCH_OPERATOR_EXISTS:
      return "exists";
    case v1::SEARCH_OPERATOR_NOT_EXISTS:
      return "not_exists";
    case v1::SEARCH_OPERATOR_RANGE:
      return "range";
    default:
      return nullptr;
  }
}

// Writes one range bound (`out` is set only on success).
absl::Status WriteBound(const v1::SearchBound& bound, const FieldPath& path, Json* out,
                        JsonAllocator& alloc) {
  switch (bound.value_case()) {
    case v1::SearchBound::kNumberValue:
      if (auto s = CheckNumber(bound.number_value(), path.Member("number_value")); !s.ok())
        return s;
      json::SetJsonNumber(bound.number_value(), out);
      return absl::OkStatus();
    case v1::SearchBound::kTimestampValue:
      *out = JsonString(FormatGhlTime(bound.timestamp_value()), alloc);
      return absl::OkStatus();
    case v1::SearchBound::kStringValue:
      if (auto s = CheckText(bound.string_value(), path.Member("string_value")); !s.ok()) return s;
      *out = JsonString(bound.string_value(), alloc);
      return absl::OkStatus();
    case v1::SearchBound::VALUE_NOT_SET:
      break;
  }
  return Invalid(path, "a bound must hold a number, a timestamp or a string");
}

absl::Status WriteRange(const v1::SearchRange& range, const FieldPath& path, Json* out,
                        JsonAllocator& alloc) {
  out->SetObject();
  const std::pair<const char*, const v1::SearchBound*> bounds[] = {
      {"gt", range.has_gt() ? &range.gt() : nullptr},
      {"gte", range.has_gte() ? &range.gte() : nullptr},
      {"lt", range.has_lt() ? &range.lt() : nullptr},
      {"lte", range.has_lte() ? &range.lte() : nullptr},
  };
  for (const auto& [name, bound] : bounds) {
    if (bound == nullptr) continue;
    Json value;
    if (auto s = WriteBound(*bound, path.Member(name), &value, alloc); !s.ok()) return s;
    out->AddMember(rapidjson::StringRef(name), value, alloc);
  }
  if (out->ObjectEmpty()) return Invalid(path, "needs at least one of gt, gte, lt, lte");
  return absl::OkStatus();
}

// The JSON value of a filter whose operator takes one (not EXISTS /
// NOT_EXISTS / RANGE).
absl::Status WriteScalarValue(const v1::SearchFilter& filter, const FieldPath& path, Json* out,
                              JsonAllocator& alloc) {
  const bool text_only = filter.operator_() == v1::SEARCH_OPERATOR_CONTAINS ||
                         filter.operator_() == v1::SEARCH_OPERATOR_NOT_CONTAINS;
  if (text_only && filter.value_case() != v1::SearchFilter::kStringValue) {
    return Invalid(path.Member("string_value"),
                   "CONTAINS / NOT_CONTAINS compare text: must be set");
  }
  switch (filter.value_case()) {
    case v1::SearchFilter::kStringValue:
      if (auto s = CheckText(filter.string_value(), path.Member("string_value")); !s.ok()) return s;
      *out = JsonString(filter.string_value(), alloc);
      return absl::OkStatus();
    case v1::SearchFilter::kNumberValue:
      if (auto s = CheckNumber(filter.number_value(), path.Member("number_value")); !s.ok())
        return s;
      json::SetJsonNumber(filter.number_value(), out);
      return absl::OkStatus();
    case v1::SearchFilter::kBoolValue:
      out->SetBool(filter.bool_value());
      return absl::OkStatus();
    case v1::SearchFilter::kTimestampValue:
      *out = JsonString(FormatGhlTime(filter.timestamp_value()), alloc);
      return absl::OkStatus();
    case v1::SearchFilter::kStringListValue: {
      const FieldPath list = path.Member("string_list_value");
      if (filter.string_list_value().values().empty()) return Invalid(list, "must not be empty");
      out->SetArray();
      int index = 0;
      for (const std::string& item : filter.string_list_value().values()) {
        if (auto s = CheckText(item, list.Member("values").Element(index++)); !s.ok()) return s;
        out->PushBack(JsonString(item, alloc), alloc);
      }
      return absl::OkStatus();
    }
    case v1::SearchFilter::kRangeValue:
      return Invalid(path.Member("range_value"), "only the RANGE operator takes a range");
    case v1::SearchFilter::VALUE_NOT_SET:
      break;
  }
  return Invalid(path.Member("value"),
                 absl::StrCat("must be set for ", OperatorName(filter.operator_())));
}

absl::Status WriteFilter(const v1::SearchFilter& filter, const FieldPath& path, Json* out,
                         JsonAllocator& alloc) {
  if (filter.field().empty()) return Invalid(path.Member("field"), "must be set");
  if (filter.field().size() > 200)
    return Invalid(path.Member("field"), "longer than 200 characters");
  const char* op = OperatorName(filter.operator_());
  if (op == nullptr) {
    return Invalid(path.Member("operator"), filter.operator_() == v1::SEARCH_OPERATOR_UNSPECIFIED
                                                ? "must be set"
                                                : "is not a known operator");
  }
  out->SetObject();
  out->AddMember("field", JsonString(filter.field(), alloc), alloc);
  out->AddMember("operator", rapidjson::StringRef(op), alloc);
  Json value;
  switch (filter.operator_()) {
    case v1::SEARCH_OPERATOR_EXISTS:
    case v1::SEARCH_OPERATOR_NOT_EXISTS:
      if (filter.value_case() != v1::SearchFilter::VALUE_NOT_SET) {
        return Invalid(path.Member("value"), absl::StrCat("must be unset for ", op));
      }
      return absl::OkStatus();
    case v1::SEARCH_OPERATOR_RANGE:
      if (filter.value_case() != v1::SearchFilter::kRangeValue) {
        return Invalid(path.Member("range_value"), "must be set for range");
      }
      if (auto s = WriteRange(filter.range_value(), path.Member("range_value"), &value, alloc);
          !s.ok()) {
        return s;
      }
      break;
    default:
      if (auto s = WriteScalarValue(filter, path, &value, alloc); !s.ok()) return s;
      break;
  }
  out->AddMember("value", value, alloc);
  return absl::OkStatus();
}

absl::Status WriteClauses(const google::protobuf::RepeatedPtrField<v1::SearchClause>& clauses,
                          int depth, const FieldPath& path, Json* out, JsonAllocator& alloc);

absl::Status WriteClause(const v1::SearchClause& clause, int depth, const FieldPath& path,
                         Json* out, JsonAllocator& alloc) {
  switch (clause.clause_case()) {
    case v1::SearchClause::kFilter:
      return WriteFilter(clause.filter(), path.Member("filter"), out, alloc);
    case v1::SearchClause::kGroup: {
      const FieldPath group_path = path.Member("group");
      const v1::SearchFilterGroup& group = clause.group();
      if (depth > kMaxSearchGroupDepth) {
        return Invalid(group_path,
                       absl::StrCat("groups nest deeper than ", kMaxSearchGroupDepth, " levels"));
      }
      const char* logic = group.logic() == v1::SEARCH_GROUP_LOGIC_AND  ? "AND"
                          : group.logic() == v1::SEARCH_GROUP_LOGIC_OR ? "OR"
                                                                       : nullptr;
      if (logic == nullptr) return Invalid(group_path.Member("logic"), "must be AND or OR");
      if (group.filters().empty())
        return Invalid(group_path.Member("filters"), "must not be empty");
      Json members;
      if (auto s = WriteClauses(group.filters(), depth + 1, group_path.Member("filters"), &members,
                                alloc);
          !s.ok()) {
        return s;
      }
      out->SetObject();
      out->AddMember("group", rapidjson::StringRef(logic), alloc);
      out->AddMember("filters", members, alloc);
      return absl::OkStatus();
    }
    case v1::SearchClause::CLAUSE_NOT_SET:
      break;
  }
  return Invalid(path, "must hold a filter or a group");
}

absl::Status WriteClauses(const google::protobuf::RepeatedPtrField<v1::SearchClause>& clauses,
                          int depth, const FieldPath& path, Json* out, JsonAllocator& alloc) {
  out->SetArray();
  int index = 0;
  for (const v1::SearchClause& clause : clauses) {
    Json item;
    if (auto s = WriteClause(clause, depth, path.Element(index++), &item, alloc); !s.ok()) return s;
    out->PushBack(item, alloc);
  }
  return absl::OkStatus();
}

absl::Status WriteSort(const google::protobuf::RepeatedPtrField<v1::SearchSort>& sort,
                       const FieldPath& path, Json* out, JsonAllocator& alloc) {
  out->SetArray();
  int index = 0;
  for (const v1::SearchSort& key : sort) {
    const FieldPath item = path.Element(index++);
    if (key.field().empty()) return Invalid(item.Member("field"), "must be set");
    const char* direction = key.direction() == v1::SORT_DIRECTION_ASC    ? "asc"
                            : key.direction() == v1::SORT_DIRECTION_DESC ? "desc"
                                                                         : nullptr;
    if (direction == nullptr) return Invalid(item.Member("direction"), "must be ASC or DESC");
    Json entry(rapidjson::kObjectType);
    entry.AddMember("field", JsonString(key.field(), alloc), alloc);
    entry.AddMember("direction", rapidjson::StringRef(direction), alloc);
    out->PushBack(entry, alloc);
  }
  return absl::OkStatus();
}

// The query part of the body: locationId, query, filters, sort.
absl::Status WriteQuery(const v1::SearchContactsRequest& request, Json* body,
                        JsonAllocator& alloc) {
  const FieldPath root;
  if (request.location_id().empty()) return Invalid(root.Member("location_id"), "must be set");
  if (CharacterCount(request.query()) > kMaxSearchTextLength) {
    return Invalid(root.Member("query"),
                   absl::StrCat("longer than ", kMaxSearchTextLength, " characters"));
  }
  body->SetObject();
  body->AddMember("locationId", JsonString(request.location_id(), alloc), alloc);
  if (!request.query().empty()) body->AddMember("query", JsonString(request.query(), alloc), alloc);
  if (!request.filters().empty()) {
    Json filters;
    if (auto s = WriteClauses(request.filters(), 1, root.Member("filters"), &filters, alloc);
        !s.ok()) {
      return s;
    }
    body->AddMember("filters", filters, alloc);
  }
  if (!request.sort().empty()) {
    Json sort;
    if (auto s = WriteSort(request.sort(), root.Member("sort"), &sort, alloc); !s.ok()) return s;
    body->AddMember("sort", sort, alloc);
  }
  return absl::OkStatus();
}

absl::Status MalformedAnswer(const rapidjson::Document& doc, size_t size) {
  return absl::UnavailableError(
      absl::StrCat("malformed JSON from GHL search (", size, " bytes, offset ",
                   doc.GetErrorOffset(), "): ", rapidjson::GetParseError_En(doc.GetParseError())));
}

bool IsBlank(const std::string& body) {
  return body.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The searchAfter member of `object` as JSON text, or empty.
std::string SearchAfterText(const Json& object) {
  auto it = object.FindMember("searchAfter");
  if (it == object.MemberEnd() || !it->value.IsArray() || it->value.Empty()) return {};
  return json::Serialize(it->value);
}

}  // namespace

absl::StatusOr<int> SearchPageLimit(int32_t page_size) {
  if (page_size == 0) return kDefaultSearchPageLimit;
  if (page_size < 0 || page_size > kMaxSearchPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 1 and ",
                                                   kMaxSearchPageLimit, " (0 means ",
                                                   kDefaultSearchPageLimit, ")"));
  }
  return page_size;
}

absl::Status ValidateSearchQuery(const v1::SearchContactsRequest& request) {
  rapidjson::Document body;
  return WriteQuery(request, &body, body.GetAllocator());
}

absl::StatusOr<std::string> SearchBody(const SearchPageRequest& request) {
  rapidjson::Document body;
  auto& alloc = body.GetAllocator();
  if (auto s = WriteQuery(request.request, &body, alloc); !s.ok()) return s;
  if (request.page_limit < 1 || request.page_limit > kMaxSearchPageLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("pageLimit ", request.page_limit, " is outside 1..", kMaxSearchPageLimit));
  }
  body.AddMember("pageLimit", request.page_limit, alloc);
  if ((request.page > 0) == !request.search_after.empty()) {
    return absl::InvalidArgumentError("a search page needs exactly one of page and searchAfter");
  }
  if (request.page > 0) {
    if (int64_t{request.page} * request.page_limit > kSearchPageNumberCap) {
      return absl::InvalidArgumentError(
          absl::StrCat("page ", request.page, " of ", request.page_limit, " passes GHL's ",
                       kSearchPageNumberCap, "-result cap; use searchAfter"));
    }
    body.AddMember("page", request.page, alloc);
  } else {
    rapidjson::Document after;
    after.Parse<rapidjson::kParseFullPrecisionFlag>(request.search_after.data(),
                                                    request.search_after.size());
    if (after.HasParseError() || !after.IsArray() || after.Empty()) {
      return absl::InvalidArgumentError("searchAfter must be a non-empty JSON array");
    }
    body.AddMember("searchAfter", Json(after, alloc), alloc);
  }
  return json::Serialize(body);
}

absl::StatusOr<SearchPage> ParseSearchBody(const std::string& body) {
  SearchPage page;
  if (IsBlank(body)) return page;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(body.data(),
                                                                                 body.size());
  if (doc.HasParseError()) return MalformedAnswer(doc, body.size());
  if (!doc.IsObject())
    return absl::InternalError("GHL search answered with JSON that is not an object");
  for (const char* name : {"total", "count"}) {
    auto it = doc.FindMember(name);
    if (it != doc.MemberEnd() && it->value.IsNumber()) {
      page.total = static_cast<int64_t>(it->value.GetDouble());
      break;
    }
  }
  page.search_after = SearchAfterText(doc);
  auto contacts = doc.FindMember("contacts");
  if (contacts == doc.MemberEnd() || contacts->value.IsNull()) return page;
  if (!contacts->value.IsArray()) {
    return absl::InternalError("GHL search response: `contacts` is not an array");
  }
  page.contacts.reserve(contacts->value.Size());
  size_t index = 0;
  for (auto& item : contacts->value.GetArray()) {
    if (!item.IsObject()) {
      return absl::InternalError(
          absl::StrCat("GHL search response: contacts[", index, "] is not an object"));
    }
    // Only the last contact's position matters; the others are dropped.
    if (index + 1 == contacts->value.Size()) {
      std::string after = SearchAfterText(item);
      if (!after.empty()) page.search_after = std::move(after);
    }
    item.RemoveMember("searchAfter");
    v1::Contact contact;
    if (auto s = ContactFromJson(item, &contact); !s.ok()) {
      return absl::InternalError(
          absl::StrCat("GHL sent a contact that cannot be mapped: ", s.message()));
    }
    page.contacts.push_back(std::move(contact));
    ++index;
  }
  return page;
}

}  // namespace ghl::contacts
