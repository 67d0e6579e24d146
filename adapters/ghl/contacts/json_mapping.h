// Reflection-driven GHL JSON <-> protobuf mapping, shared by every model of
// proto/ghl/contacts/v1 (contacts, tasks, notes, appointments, tags...).
//
// A JsonMapper is built once per root message type (a function-local static
// in the model's own mapping file) and then maps any message of that tree:
// - a member's JSON name is the field's json_name (GHL uses lowerCamelCase)
//   unless the options override it;
// - strings, bools, int32/int64, doubles and enums are typed (an enum's JSON
//   spelling is its value name without the `<X>_` prefix of its
//   `<X>_UNSPECIFIED` value, lower-cased: DND_STATUS_ACTIVE -> "active");
// - google.protobuf.Timestamp fields read GHL's RFC 3339 dates and write
//   2021-07-02T05:18:26.704Z; Struct/Value fields hold any JSON verbatim;
// - a member the model does not type, or a typed member whose JSON type is
//   unexpected (e.g. "completed": "yes", an unparseable date), is kept
//   verbatim in the `extra` Struct of the enclosing message under its JSON
//   name, and the read-shape writer merges it back: a GHL document round
//   trips losslessly;
// - message types that need hand mapping (e.g. a value typed by its JSON
//   shape) plug in a MessageCodec.
// Malformed input never crashes: strings that are not UTF-8 and nesting
// deeper than kMaxJsonDepth are INVALID_ARGUMENT naming the JSON path.
//
// The create/update DTO helpers (DtoField, AddDtoFields, UpdateBodyFromMask)
// write request bodies from a per-DTO table of writable fields.
//
// Thread-safety: a JsonMapper is immutable after construction and safe for
// concurrent use; the free functions have no shared state.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_JSON_MAPPING_H_
#define GHL_ADAPTERS_GHL_CONTACTS_JSON_MAPPING_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <rapidjson/document.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ghl::contacts {

/// Formats a Timestamp the way GHL does: UTC, milliseconds, trailing Z.
std::string FormatGhlTime(const google::protobuf::Timestamp& ts);

/// Parses GHL's RFC 3339 date-time (e.g. 2021-07-02T05:18:26.704Z).
/// @return false if `text` is not one.
bool ParseGhlTime(absl::string_view text, google::protobuf::Timestamp* out);

namespace json {

using Json = rapidjson::Value;
using JsonAllocator = rapidjson::Document::AllocatorType;

/// Deepest nesting of objects and arrays accepted when reading (the root
/// object is level 1). Each JSON level costs up to three protobuf message
/// levels (Struct, map entry, Value) and protobuf refuses to parse messages
/// nested deeper than 100, so anything deeper could be built but never sent
/// over gRPC.
inline constexpr int kMaxJsonDepth = 32;

/// GHL's two JSON shapes of a model.
enum class Shape {
  kRead,   ///< what GHL sends: every set field, `extra` merged back
  kWrite,  ///< what its DTOs accept: typed fields only, enums required
};

/// One step of the path to the value being mapped: kept on the stack while
/// walking and formatted only when an error names it.
struct FieldPath {
  const FieldPath* parent = nullptr;
  absl::string_view name;  ///< empty for an array element
  int index = -1;          ///< >= 0 for an array element

  FieldPath Member(absl::string_view member) const { return {this, member, -1}; }
  FieldPath Element(int i) const { return {this, {}, i}; }
  /// e.g. "customFields[0].value", or "(root)".
  std::string ToString() const;
};

/// The characters of a JSON string.
inline absl::string_view View(const Json& s) { return {s.GetString(), s.GetStringLength()}; }

/// A JSON string holding a copy of `s`.
Json JsonString(absl::string_view s, JsonAllocator& alloc);

/// True if `s` is well-formed UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(absl::string_view s);

/// True if `json` is an array whose every item passes `is_type`.
bool IsArrayOf(const Json& json, bool (Json::*is_type)() const);

/// A double as a JSON number: an exact integer below 2^53 as an integer,
/// NaN and infinities as null (JSON has neither).
void SetJsonNumber(double d, Json* out);

/// google.protobuf.Value / Struct as JSON (Struct keys sorted, so output is
/// deterministic).
void ProtoValueToJson(const google::protobuf::Value& in, Json* out, JsonAllocator& alloc);
void StructToJson(const google::protobuf::Struct& in, Json* out, JsonAllocator& alloc);

/// Adds the members of `extra` that the object `out` does not already have:
/// a typed value that is set wins over a stale verbatim copy.
void MergeExtra(const google::protobuf::Struct& extra, Json* out, JsonAllocator& alloc);

/// Compact UTF-8 text (no escaping of non-ASCII; doubles in their shortest
/// round-tripping form).
std::string Serialize(const Json& json);

/// Parses `text` iteratively (any depth is safe) with full double precision
/// and UTF-8 validation.
/// @return INVALID_ARGUMENT "<noun> JSON is malformed at offset N: ..."
absl::Status ParseJsonText(absl::string_view text, absl::string_view noun,
                           rapidjson::Document* doc);

class JsonMapper;

/// Hand mapping of one message type, for values the generic rules cannot
/// type (e.g. a custom field value typed by its JSON shape).
struct MessageCodec {
  /// The message type this codec maps.
  const google::protobuf::Descriptor* type = nullptr;
  /// Reads the JSON object `json` (level `depth`) into `out`, which is
  /// empty. An error aborts the whole read.
  std::function<absl::Status(const JsonMapper& mapper, const Json& json, int depth,
                             const FieldPath& path, google::protobuf::Message* out)>
      read;
  /// Writes `msg` in `shape`; an error (kWrite only) names `path`.
  std::function<absl::Status(const JsonMapper& mapper, const google::protobuf::Message& msg,
                             Shape shape, const FieldPath& path, Json* out, JsonAllocator& alloc)>
      write;
};

/// What a JsonMapper maps and where GHL departs from the generic rules.
struct JsonMapperOptions {
  /// The root message type; every message type under it is mapped too.
  const google::protobuf::Descriptor* root = nullptr;
  /// Names the model in error messages ("contact JSON has ...").
  std::string noun = "GHL";
  /// JSON names that are not the field's json_name (e.g. DND "SMS").
  std::vector<std::pair<const google::protobuf::FieldDescriptor*, std::string>> json_names;
  /// Repeated fields the read shape writes even when empty (GHL always
  /// sends them), unless `extra` holds a verbatim value under that name.
  std::vector<const google::protobuf::FieldDescriptor*> always_written_lists;
  /// Hand-mapped message types.
  std::vector<MessageCodec> codecs;
};

/// The generic reader/writer of one message tree (see the file comment).
class JsonMapper {
 public:
  explicit JsonMapper(JsonMapperOptions options);
  ~JsonMapper();
  JsonMapper(const JsonMapper&) = delete;
  JsonMapper& operator=(const JsonMapper&) = delete;

  /// Reads a JSON object into `out` (cleared first; cleared again on error).
  /// @return INVALID_ARGUMENT if `json` is not an object ("a GHL <noun> must
  ///         be a JSON object"), nests more than kMaxJsonDepth levels, or
  ///         holds a string that is not valid UTF-8 (naming the JSON path).
  absl::Status FromJson(const Json& json, google::protobuf::Message* out) const;

  /// FromJson of a JSON text (ParseJsonText, then FromJson).
  absl::Status FromJsonString(absl::string_view text, google::protobuf::Message* out) const;

  /// Typed FromJsonString.
  template <typename T>
  absl::StatusOr<T> Parse(absl::string_view text) const {
    T message;
    auto status = FromJsonString(text, &message);
    if (!status.ok()) return status;
    return message;
  }

  /// Writes `msg` as a JSON object in `shape`.
  /// @return INVALID_ARGUMENT (kWrite only) naming the field for an unset
  ///         enum or what a codec refuses. kRead never fails.
  absl::Status ToJson(const google::protobuf::Message& msg, Shape shape, Json* out,
                      JsonAllocator& alloc) const;

  /// ToJson in the read shape as compact text (see Serialize).
  std::string ToJsonString(const google::protobuf::Message& msg) const;

  /// The JSON value of one field of `msg` (an array for a repeated field).
  absl::Status WriteField(const google::protobuf::Message& msg,
                          const google::protobuf::FieldDescriptor* field, Shape shape,
                          const FieldPath& path, Json* out, JsonAllocator& alloc) const;

  /// The JSON member name of `field`.
  std::string JsonNameOf(const google::protobuf::FieldDescriptor* field) const;

  // Building blocks for codecs; errors use this mapper's noun.

  /// Any JSON value as a google.protobuf.Value; `depth` is the level `in`
  /// has if it is an object or array.
  absl::Status JsonToProtoValue(const Json& in, int depth, const FieldPath& path,
                                google::protobuf::Value* out) const;
  /// Stores `value` verbatim as `extra[name]`.
  absl::Status KeepInExtra(absl::string_view name, const Json& value, int depth,
                           const FieldPath& path, google::protobuf::Struct* extra) const;
  /// "<noun> JSON has a string that is not valid UTF-8 at <path>".
  absl::Status NotUtf8(const FieldPath& path) const;
  /// "<noun> JSON nests deeper than 32 levels at <path>".
  absl::Status TooDeep(const FieldPath& path) const;

 private:
  struct Tables;
  enum class Fit;

  absl::StatusOr<bool> ReadMessage(const Json& object, int depth, const FieldPath& path,
                                   google::protobuf::Message* msg) const;
  absl::StatusOr<Fit> ReadField(const Json& json, const google::protobuf::FieldDescriptor* field,
                                int depth, const FieldPath& path,
                                google::protobuf::Message* msg) const;
  absl::StatusOr<Fit> ReadRepeated(const Json& json, const google::protobuf::FieldDescriptor* field,
                                   int depth, const FieldPath& path,
                                   google::protobuf::Message* msg) const;
  absl::Status JsonObjectToStruct(const Json& in, int depth, const FieldPath& path,
                                  google::protobuf::Struct* out) const;
  absl::Status WriteValue(const google::protobuf::Message& msg,
                          const google::protobuf::FieldDescriptor* field, int index, Shape shape,
                          const FieldPath& path, Json* out, JsonAllocator& alloc) const;
  absl::Status WriteMessage(const google::protobuf::Message& msg, Shape shape,
                            const FieldPath& path, Json* out, JsonAllocator& alloc) const;
  const MessageCodec* CodecFor(const google::protobuf::FieldDescriptor* field) const;

  JsonMapperOptions options_;
  std::unique_ptr<Tables> tables_;
};

/// The mapper of message type T with the generic rules only (no overrides,
/// no codecs), built once on first use (thread-safe).
/// @param noun names the model in error messages; the first call's wins.
template <typename T>
const JsonMapper& DefaultMapper(const char* noun) {
  static const JsonMapper* const kMapper = [noun] {
    JsonMapperOptions options;
    options.root = T::descriptor();
    options.noun = noun;
    return new JsonMapper(std::move(options));
  }();
  return *kMapper;
}

/// Which DTO may write a field.
enum DtoFlag : unsigned {
  kInCreate = 1,          ///< a property of the create DTO
  kInUpdate = 2,          ///< a property of the update DTO
  kNullableInUpdate = 4,  ///< the update DTO marks it nullable: null clears it
};

/// One writable field of a model (proto field name) and its DtoFlags.
struct DtoField {
  const char* proto_name;
  unsigned flags;
};

/// Adds to the object `body`, in table order, every field of `msg` that is
/// set and whose flags include `flag`, in the write shape.
/// @return the first write error (naming the field).
absl::Status AddDtoFields(const JsonMapper& mapper, const google::protobuf::Message& msg,
                          absl::Span<const DtoField> fields, unsigned flag, Json* body,
                          JsonAllocator& alloc);

/// The update body holding exactly the fields of `update_mask` (proto field
/// names of `msg`'s type), in table order. A masked singular field that is
/// unset is sent as JSON null where the table says kNullableInUpdate; a
/// masked list is always sent (empty replaces the current values).
/// @param dto_name the spec's DTO name, for error messages.
/// @return INVALID_ARGUMENT naming the path for an empty mask, an unknown
///         path, a path the DTO cannot write, a clear of a non-nullable
///         field, or a write error.
absl::StatusOr<std::string> UpdateBodyFromMask(const JsonMapper& mapper,
                                               const google::protobuf::Message& msg,
                                               const google::protobuf::FieldMask& update_mask,
                                               absl::Span<const DtoField> fields,
                                               absl::string_view dto_name);

/// Keeps only the top-level fields named in `read_mask` plus `always_kept`
/// (e.g. "id"); an empty mask keeps everything.
/// @return INVALID_ARGUMENT naming the first unknown path.
absl::Status ApplyReadMask(const google::protobuf::FieldMask& read_mask,
                           absl::string_view always_kept, google::protobuf::Message* msg);

}  // namespace json
}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_JSON_MAPPING_H_
