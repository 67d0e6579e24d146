// FieldMapping: how a GHL contact becomes a Rankr record (ghlctl sync,
// ghlctl doctor). A mapping file lists, one entry per line, a GHL contact
// field, the Rankr field it fills, that field's type and a chain of
// transforms:
//
//   # comment
//   email              -> email       string    | trim | lower
//   phone              -> phone       string    | e164(US)
//   name               -> first_name  string    | split_name(first)
//   dateAdded          -> signup_day  string    | date(%Y-%m-%d)
//   customField.key:contact.lead_score -> lead_score int | default(0)
//   key contact.lead_score YjfhkolJ64cbOyxZvVrs
//
// Sources: a top-level Contact field by its GHL JSON name or proto name
// (email, firstName / first_name, tags, dateAdded, ...), `customField:<id>`,
// or `customField.key:<key>` (matched on the value's key, or on the id a
// `key <key> <id>` line declares, since GHL's contact answers carry ids
// only). Types: string, int, double, bool, timestamp, string_list.
// Transforms (applied left to right, then the value is converted to the
// type): trim, lower, e164(CC), split_name(first|last), date(FORMAT),
// default(VALUE). See README "Sync" for the table.
//
// Errors: Parse reports the first bad line as INVALID_ARGUMENT
// "FILE:LINE: NAME: reason" (unknown GHL field, unknown transform, bad type,
// duplicate target, transform not valid for the type, bad argument). Apply
// never fails: a value that fails a transform or the type conversion
// becomes null in the record and adds a FieldWarning, so nothing is
// silently wrong.
//
// Thread-safety: a FieldMapping is immutable after Parse; Apply is const
// and may run concurrently. Transform helpers are pure functions.
#ifndef GHL_CLIENT_FIELD_MAPPING_H_
#define GHL_CLIENT_FIELD_MAPPING_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ghl/contacts/v1/contact.pb.h"

namespace ghl::client {

/// Type of a Rankr field.
enum class RankrType { kString, kInt, kDouble, kBool, kTimestamp, kStringList };

/// @return "string", "int", ... as written in a mapping file.
absl::string_view RankrTypeName(RankrType type);

/// One value of a Rankr record (a tagged union; `kind` says which member).
struct RankrValue {
  enum class Kind { kNull, kString, kInt, kDouble, kBool, kTimestamp, kStringList };
  Kind kind = Kind::kNull;
  std::string text;  ///< kString; kTimestamp as RFC 3339 UTC with milliseconds
  int64_t int_value = 0;
  double double_value = 0;
  bool bool_value = false;
  std::vector<std::string> list;  ///< kStringList

  bool is_null() const { return kind == Kind::kNull; }
  /// @return the value as compact JSON (null, "text", 42, 1.5, true, ["a"]).
  std::string ToJson() const;
  bool operator==(const RankrValue& other) const;
  bool operator!=(const RankrValue& other) const { return !(*this == other); }
};

/// A value of one record that failed a transform or its type.
struct FieldWarning {
  std::string field;    ///< the Rankr field
  std::string message;  ///< why, without the value itself
};

/// A Rankr record: the GHL id and the mapped fields in mapping order.
struct RankrRecord {
  std::string ghl_id;
  /// GHL's dateUpdated (RFC 3339), "" when absent: the record's updated_at.
  std::string updated_at;
  std::vector<std::pair<std::string, RankrValue>> fields;
  std::vector<FieldWarning> warnings;

  /// @return {"ghl_id":..., "updated_at":..., <fields>...} as one JSON line
  ///         (no newline), UTF-8 raw.
  std::string ToJson() const;
  /// @return the field named `name`, or null when there is none.
  const RankrValue* Find(absl::string_view name) const;
};

/// One step of an entry's transform chain.
struct Transform {
  enum class Kind { kTrim, kLower, kE164, kSplitName, kDate, kDefault };
  Kind kind = Kind::kTrim;
  /// e164: the default country (ISO 3166 alpha-2); split_name: first|last;
  /// date: the strftime format; default: the value as written.
  std::string arg;
  /// default: the value, already of the entry's type.
  RankrValue default_value;
};

/// One line of a mapping file.
struct MappingEntry {
  int line = 0;
  /// The source as written ("email", "customField:abc", "customField.key:k").
  std::string source;
  enum class SourceKind { kStandard, kCustomFieldId, kCustomFieldKey };
  SourceKind source_kind = SourceKind::kStandard;
  /// kStandard: the GHL JSON name; custom: the id or key.
  std::string source_name;
  std::string target;
  RankrType type = RankrType::kString;
  std::vector<Transform> transforms;
};

/// A parsed mapping file. See the file comment.
class FieldMapping {
 public:
  /// Parses a mapping file's text.
  /// @param file_name used in error messages. @param text the file.
  /// @return the mapping, or INVALID_ARGUMENT "FILE:LINE: NAME: reason".
  static absl::StatusOr<FieldMapping> Parse(absl::string_view file_name, absl::string_view text);
  /// Reads and parses a file; NOT_FOUND / INVALID_ARGUMENT naming it.
  static absl::StatusOr<FieldMapping> Load(const std::string& path);

  /// Maps one contact. Never fails; see RankrRecord::warnings.
  RankrRecord Apply(const ghl::contacts::v1::Contact& contact) const;

  /// @return for each entry, its GHL value in the contact as compact JSON
  ///         ("" when absent): what Apply started from (ghlctl doctor).
  std::vector<std::string> SourceValues(const ghl::contacts::v1::Contact& contact) const;

  const std::vector<MappingEntry>& entries() const { return entries_; }
  /// 16 hex digits that change whenever the records the mapping makes could
  /// (sources, targets, types, transforms and their arguments, key lines;
  /// not comments, spacing or line numbers). A sync keeps it in its state.
  std::string Fingerprint() const;
  /// Whether a `key <key> <id>` line declares `key`'s custom field id.
  bool DeclaresKey(const std::string& key) const { return key_ids_.count(key) > 0; }

 private:
  const rapidjson::Value* FindSource(const rapidjson::Value& doc, const MappingEntry& entry) const;

  std::vector<MappingEntry> entries_;
  std::map<std::string, std::string> key_ids_;  // custom field key -> id
};

/// E.164 normalisation: "+" and 8-15 digits. A number with "+" (or "00")
/// keeps its country code; without, `default_country`'s calling code is
/// put in front after dropping a national trunk prefix ("0", or "1" for
/// the NANP countries). Spaces, dots, dashes, slashes and parentheses are
/// dropped; an extension ("x12", "ext. 12") is dropped.
/// @return the number, or INVALID_ARGUMENT (letters, too short/long,
///         unknown country) without echoing the number.
absl::StatusOr<std::string> NormalizeE164(absl::string_view phone, absl::string_view default_country);

/// @return true when `country` (alpha-2, upper case) has a calling code here.
bool KnownCallingCountry(absl::string_view country);

/// Splits a full name: first = the first word, last = the rest (trimmed,
/// inner spaces collapsed). A single word is a first name with an empty last.
std::pair<std::string, std::string> SplitName(absl::string_view full_name);

/// Parses an RFC 3339 date-time; INVALID_ARGUMENT when it is not one.
absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text);

/// @return `time` as RFC 3339 UTC with milliseconds ("2024-05-14T21:11:12.440Z").
std::string FormatRfc3339Millis(absl::Time time);

}  // namespace ghl::client

#endif  // GHL_CLIENT_FIELD_MAPPING_H_
