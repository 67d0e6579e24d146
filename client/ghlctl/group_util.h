// Helpers shared by the command groups (groups.h): flag value parsing,
// GHL-shaped JSON output, and streaming contacts to JSONL with progress.
//
// Threading: pure functions, except WriteContactStream, which blocks the
// calling thread. Ownership: nothing is retained.
#ifndef GHL_CLIENT_GHLCTL_GROUP_UTIL_H_
#define GHL_CLIENT_GHLCTL_GROUP_UTIL_H_

#include <cstdint>
#include <functional>
#include <string>

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>
#include <google/protobuf/repeated_field.h>
#include <google/protobuf/timestamp.pb.h>
#include <rapidjson/document.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/ghl/contacts/json_mapping.h"
#include "client/contacts_client.h"
#include "client/ghlctl/groups.h"

namespace ghl::client::ghlctl {

/// The flags every per-contact subcommand shares.
GroupFlag LocationFlag();
/// `--contact C`, required.
GroupFlag ContactFlag();

/// @return a request with location_id and contact_id from --location and --contact.
template <typename Request>
Request ContactScoped(const FlagValues& flags) {
  Request request;
  request.set_location_id(flags.GetOr("location"));
  request.set_contact_id(flags.GetOr("contact"));
  return request;
}

/// @return `value` as pretty JSON (2-space indent, UTF-8), ending in a newline.
std::string PrettyJson(const rapidjson::Value& value);

/// @return `message` in GHL's read shape (through `mapper`), pretty.
std::string MessageJson(const ghl::contacts::json::JsonMapper& mapper, const google::protobuf::Message& message);

/// @return {"<member>": [each item in GHL's read shape]}, pretty: the shape
///         of GHL's list answers (e.g. {"tasks": [...]}).
template <typename T>
std::string ListJson(const ghl::contacts::json::JsonMapper& mapper, absl::string_view member,
                     const google::protobuf::RepeatedPtrField<T>& items) {
  rapidjson::Document doc(rapidjson::kObjectType);
  rapidjson::Value list(rapidjson::kArrayType);
  for (const T& item : items) {
    rapidjson::Value json;
    (void)mapper.ToJson(item, ghl::contacts::json::Shape::kRead, &json, doc.GetAllocator());
    list.PushBack(json, doc.GetAllocator());
  }
  doc.AddMember(rapidjson::Value(member.data(), static_cast<rapidjson::SizeType>(member.size()), doc.GetAllocator()),
                list, doc.GetAllocator());
  return PrettyJson(doc);
}

/// A JSON mapper for a response message without a model of its own (e.g.
/// AddFollowersResponse); one per type, built on first use.
const ghl::contacts::json::JsonMapper& ResponseJson(const google::protobuf::Descriptor* type);

/// Parses an RFC 3339 date-time flag (e.g. 2024-05-01T15:00:00Z).
/// @return INVALID_ARGUMENT naming the flag.
absl::StatusOr<google::protobuf::Timestamp> ParseTimeFlag(absl::string_view flag, absl::string_view text);

/// Parses a true/false flag value (also yes/no, 1/0).
absl::StatusOr<bool> ParseBoolFlag(absl::string_view flag, absl::string_view text);

/// Parses an integer flag value within [min, max].
absl::StatusOr<int32_t> ParseIntFlag(absl::string_view flag, absl::string_view text, int32_t min, int32_t max);

/// Parses a --fields list "a,b" (contact field names as GHL JSON or proto).
/// @return the read mask, or INVALID_ARGUMENT naming an unknown field.
absl::StatusOr<google::protobuf::FieldMask> ParseContactFields(absl::string_view fields);

/// Sets request.read_mask from --fields; leaves it unset without the flag.
template <typename Request>
absl::Status SetContactReadMask(const FlagValues& flags, Request* request) {
  std::optional<std::string> fields = flags.Get("fields");
  if (!fields.has_value()) return absl::OkStatus();
  absl::StatusOr<google::protobuf::FieldMask> mask = ParseContactFields(*fields);
  if (!mask.ok()) return mask.status();
  *request->mutable_read_mask() = *std::move(mask);
  return absl::OkStatus();
}

/// @return the client options of a running subcommand (--timeout).
ContactsClientOptions ClientOptionsOf(const GroupContext& context);

/// @return a ContactsClient on the subcommand's channel.
std::unique_ptr<ContactsClient> ContactsClientOf(const GroupContext& context);

/// Prints `message` (a one-line confirmation) when `status` is OK, else the error.
/// @return the exit code.
int PrintDone(const GroupContext& context, const absl::Status& status, const std::string& message);

/// Runs a contact listing into JSONL: with --out FILE (not "-"), the file
/// appears only when complete (as `ghlctl export`) and the summary line goes
/// to stdout; otherwise each contact is one line of stdout and the summary
/// goes to stderr. Progress goes to stderr either way.
/// @param list runs the listing with the given sink and progress callback.
/// @return the exit code.
int WriteContactStream(
    const GroupContext& context, const FlagValues& flags,
    const std::function<absl::StatusOr<ExportProgress>(const ContactSink&, const ProgressCallback&)>& list);

}  // namespace ghl::client::ghlctl

#endif  // GHL_CLIENT_GHLCTL_GROUP_UTIL_H_
