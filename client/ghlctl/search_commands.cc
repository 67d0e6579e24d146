// `ghlctl search`: SearchContacts with filters and sort from flags, every
// match streamed to JSONL (like export), with progress.
//
// Filter syntax (one condition per --filter, all combined with AND, or with
// OR under --any):
//   FIELD:eq:TEXT            text value (also not_eq, contains, not_contains)
//   FIELD:eq:=JSON           typed value: 42, true, ["vip","lead"], "text"
//   FIELD:exists             (also not_exists) no value
//   FIELD:range:gte=A,lt=B   bounds gt/gte/lt/lte; a number if it parses as
//                            one, else text (GHL compares dates as text)
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/ghlctl/group_util.h"

namespace ghl::client::ghlctl {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kSearchUsage[] = R"(Usage: ghlctl search --location L [--filter F]... [--any] [--sort FIELD:asc|desc]...
                     [--query Q] [--page-size N] [--fields a,b] [--out FILE]

Streams every contact matching the filters as JSONL (one GHL JSON contact
per line), like export: to FILE with --out (the file appears only when
complete; the summary line goes to stdout), else to stdout (summary on
stderr). Progress goes to stderr. Past GHL's 10,000-result page cap the
gateway switches to searchAfter on its own, so every match comes once.

Flags:
  --location L         GHL location id. Required.
  --filter F           Repeatable. One condition (all must match):
                         FIELD:eq:TEXT   (also not_eq, contains, not_contains)
                         FIELD:eq:=JSON  typed value: 42, true, ["vip","lead"]
                         FIELD:exists    (also not_exists)
                         FIELD:range:gte=A,lt=B  (gt, gte, lt, lte; numbers
                                         or text such as 2024-01-31)
                       FIELD is GHL's search field, e.g. firstNameLowerCase,
                       email, tags, dnd, dateAdded, customFields.<id>.
  --any                A contact matches when any filter matches (OR).
  --sort FIELD:DIR     Repeatable, most significant first; DIR asc or desc.
  --query Q            GHL's free-text query (at most 75 characters).
  --page-size N        Contacts per upstream page, 1-500 (default 100).
  --fields a,b         Only these contact fields per line.
  --out FILE           Write FILE instead of stdout.

Example:
  ghlctl search --location L --filter tags:eq:vip --filter email:exists \
      --sort dateAdded:desc --out vips.jsonl
)";

absl::Status FilterError(absl::string_view spec, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--filter '", spec, "': ", why));
}

// A typed value from JSON (`FIELD:OP:=JSON`).
absl::Status SetJsonValue(absl::string_view spec, absl::string_view json, v1::SearchFilter* filter) {
  google::protobuf::Value value;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &value).ok()) {
    return FilterError(spec, absl::StrCat("'", json, "' is not JSON"));
  }
  switch (value.kind_case()) {
    case google::protobuf::Value::kStringValue:
      filter->set_string_value(value.string_value());
      return absl::OkStatus();
    case google::protobuf::Value::kNumberValue:
      filter->set_number_value(value.number_value());
      return absl::OkStatus();
    case google::protobuf::Value::kBoolValue:
      filter->set_bool_value(value.bool_value());
      return absl::OkStatus();
    case google::protobuf::Value::kListValue:
      for (const google::protobuf::Value& item : value.list_value().values()) {
        if (item.kind_case() != google::protobuf::Value::kStringValue) {
          return FilterError(spec, "a list value must hold strings");
        }
        filter->mutable_string_list_value()->add_values(item.string_value());
      }
      return absl::OkStatus();
    default:
      return FilterError(spec, "the value must be a string, number, boolean or list of strings");
  }
}

absl::Status SetRange(absl::string_view spec, absl::string_view bounds, v1::SearchFilter* filter) {
  v1::SearchRange* range = filter->mutable_range_value();
  for (absl::string_view bound : absl::StrSplit(bounds, ',', absl::SkipEmpty())) {
    const size_t eq = bound.find('=');
    if (eq == absl::string_view::npos) return FilterError(spec, "range bounds are gt=, gte=, lt=, lte=");
    const absl::string_view name = bound.substr(0, eq);
    const absl::string_view text = bound.substr(eq + 1);
    v1::SearchBound* target = name == "gt"    ? range->mutable_gt()
                              : name == "gte" ? range->mutable_gte()
                              : name == "lt"  ? range->mutable_lt()
                              : name == "lte" ? range->mutable_lte()
                                              : nullptr;
    if (target == nullptr) return FilterError(spec, absl::StrCat("unknown range bound '", name, "'"));
    double number = 0;
    if (absl::SimpleAtod(text, &number)) {
      target->set_number_value(number);
    } else {
      target->set_string_value(std::string(text));
    }
  }
  if (!range->has_gt() && !range->has_gte() && !range->has_lt() && !range->has_lte()) {
    return FilterError(spec, "a range needs at least one bound");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SearchFilter> ParseFilter(absl::string_view spec) {
  std::vector<absl::string_view> parts = absl::StrSplit(spec, absl::MaxSplits(':', 2));
  if (parts.size() < 2 || parts[0].empty()) return FilterError(spec, "expected FIELD:OP[:VALUE]");
  v1::SearchFilter filter;
  filter.set_field(std::string(parts[0]));
  const absl::string_view op = parts[1];
  const bool has_value = parts.size() == 3;
  if (op == "exists" || op == "not_exists") {
    if (has_value) return FilterError(spec, absl::StrCat(op, " takes no value"));
    filter.set_operator_(op == "exists" ? v1::SEARCH_OPERATOR_EXISTS : v1::SEARCH_OPERATOR_NOT_EXISTS);
    return filter;
  }
  if (!has_value) return FilterError(spec, absl::StrCat(op, " needs a value (FIELD:", op, ":VALUE)"));
  const absl::string_view value = parts[2];
  if (op == "range") {
    filter.set_operator_(v1::SEARCH_OPERATOR_RANGE);
    absl::Status status = SetRange(spec, value, &filter);
    if (!status.ok()) return status;
    return filter;
  }
  if (op == "eq") {
    filter.set_operator_(v1::SEARCH_OPERATOR_EQ);
  } else if (op == "not_eq") {
    filter.set_operator_(v1::SEARCH_OPERATOR_NOT_EQ);
  } else if (op == "contains") {
    filter.set_operator_(v1::SEARCH_OPERATOR_CONTAINS);
  } else if (op == "not_contains") {
    filter.set_operator_(v1::SEARCH_OPERATOR_NOT_CONTAINS);
  } else {
    return FilterError(spec, absl::StrCat("unknown operator '", op,
                                          "' (eq, not_eq, contains, not_contains, exists, not_exists, range)"));
  }
  if (!value.empty() && value[0] == '=') {
    absl::Status status = SetJsonValue(spec, value.substr(1), &filter);
    if (!status.ok()) return status;
  } else {
    filter.set_string_value(std::string(value));
  }
  return filter;
}

absl::StatusOr<v1::SearchSort> ParseSort(absl::string_view spec) {
  const size_t colon = spec.rfind(':');
  v1::SearchSort sort;
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(absl::StrCat("--sort '", spec, "': expected FIELD:asc or FIELD:desc"));
  }
  sort.set_field(std::string(spec.substr(0, colon)));
  const absl::string_view direction = spec.substr(colon + 1);
  if (direction == "asc") {
    sort.set_direction(v1::SORT_DIRECTION_ASC);
  } else if (direction == "desc") {
    sort.set_direction(v1::SORT_DIRECTION_DESC);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("--sort '", spec, "': direction must be asc or desc"));
  }
  return sort;
}

absl::StatusOr<v1::SearchContactsRequest> BuildSearch(const FlagValues& flags, std::istream&) {
  v1::SearchContactsRequest request;
  request.set_location_id(flags.GetOr("location"));
  request.set_query(flags.GetOr("query"));
  if (std::optional<std::string> size = flags.Get("page-size")) {
    absl::StatusOr<int32_t> parsed = ParseIntFlag("page-size", *size, 1, 500);
    if (!parsed.ok()) return parsed.status();
    request.set_page_size(*parsed);
  }
  // --any: the filters form one OR group (the top-level list is AND).
  google::protobuf::RepeatedPtrField<v1::SearchClause>* clauses = request.mutable_filters();
  if (flags.Has("any")) {
    v1::SearchFilterGroup* group = request.add_filters()->mutable_group();
    group->set_logic(v1::SEARCH_GROUP_LOGIC_OR);
    clauses = group->mutable_filters();
  }
  for (const std::string& spec : flags.GetAll("filter")) {
    absl::StatusOr<v1::SearchFilter> filter = ParseFilter(spec);
    if (!filter.ok()) return filter.status();
    *clauses->Add()->mutable_filter() = *std::move(filter);
  }
  if (flags.Has("any") && clauses->empty()) return absl::InvalidArgumentError("--any needs at least one --filter");
  for (const std::string& spec : flags.GetAll("sort")) {
    absl::StatusOr<v1::SearchSort> sort = ParseSort(spec);
    if (!sort.ok()) return sort.status();
    *request.add_sort() = *std::move(sort);
  }
  absl::Status mask = SetContactReadMask(flags, &request);
  if (!mask.ok()) return mask;
  return request;
}

int RunSearch(const v1::SearchContactsRequest& request, const FlagValues& flags, const GroupContext& context) {
  std::unique_ptr<ContactsClient> client = ContactsClientOf(context);
  return WriteContactStream(context, flags, [&](const ContactSink& sink, const ProgressCallback& progress) {
    return client->SearchContacts(request, sink, progress);
  });
}

}  // namespace

CommandGroup MakeSearchGroup() {
  CommandGroup group;
  group.name = "search";
  group.summary = "Stream every contact matching filters (and sort) as JSONL.";
  group.subcommands.push_back(MakeSubcommand<v1::SearchContactsRequest>(
      "", group.summary, kSearchUsage,
      {LocationFlag(),
       {"filter", GroupFlagKind::kRepeated},
       {"any", GroupFlagKind::kBool},
       {"sort", GroupFlagKind::kRepeated},
       {"query", GroupFlagKind::kValue},
       {"page-size", GroupFlagKind::kValue},
       {"fields", GroupFlagKind::kValue},
       {"out", GroupFlagKind::kValue}},
      BuildSearch, RunSearch));
  return group;
}

}  // namespace ghl::client::ghlctl
