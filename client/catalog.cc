#include "client/catalog.h"

#include <algorithm>
#include <utility>

#include <google/protobuf/unknown_field_set.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/server_reflection.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;

// The value of a message-typed option kept as unknown field `number` (what
// an options message holds for an extension this binary does not link).
// Repeated occurrences merge, as protobuf merges a message field.
template <typename T>
std::optional<T> ReadUnknownMessageField(const google::protobuf::Message& options, int number) {
  const google::protobuf::UnknownFieldSet& unknown = options.GetReflection()->GetUnknownFields(options);
  std::optional<T> value;
  for (int i = 0; i < unknown.field_count(); ++i) {
    const google::protobuf::UnknownField& field = unknown.field(i);
    if (field.number() != number || field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    T part;
    if (!part.ParseFromString(field.length_delimited())) continue;
    if (!value.has_value()) value.emplace();
    value->MergeFrom(part);
  }
  return value;
}

// Rows of cells as a text table: columns padded to their widest cell
// (two spaces apart), the last column unpadded.
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      absl::StrAppend(&line, row[c]);
      if (c + 1 < row.size()) line.append(widths[c] - row[c].size() + 2, ' ');
    }
    absl::StrAppend(&text, line, "\n");
  }
  return text;
}

}  // namespace

std::optional<ghl::api::v1::GhlOperation> ReadOperationOption(const google::protobuf::MethodOptions& options) {
  if (options.HasExtension(ghl::api::v1::operation)) return options.GetExtension(ghl::api::v1::operation);
  return ReadUnknownMessageField<ghl::api::v1::GhlOperation>(options, ghl::api::v1::kOperationFieldNumber);
}

std::optional<v1::EventTypeDescription> ReadEventDescriptionOption(const google::protobuf::EnumValueOptions& options) {
  if (options.HasExtension(v1::event_description)) return options.GetExtension(v1::event_description);
  return ReadUnknownMessageField<v1::EventTypeDescription>(options, v1::kEventDescriptionFieldNumber);
}

Catalog CatalogFromPool(const google::protobuf::DescriptorPool& pool, const std::vector<std::string>& services) {
  Catalog catalog;
  std::vector<std::string> sorted = services;
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& name : sorted) {
    if (!absl::StartsWith(name, "ghl.")) continue;
    const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(name);
    if (service == nullptr) continue;
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      std::optional<ghl::api::v1::GhlOperation> operation = ReadOperationOption(method->options());
      if (!operation.has_value()) continue;
      CatalogAction action;
      action.method = absl::StrCat(service->full_name(), "/", method->name());
      action.server_streaming = method->server_streaming();
      action.operation = *std::move(operation);
      catalog.actions.push_back(std::move(action));
    }
  }
  // The enum's name comes from the compiled descriptor, not a literal, so a
  // rename shows up at compile time.
  const google::protobuf::EnumDescriptor* events = pool.FindEnumTypeByName(v1::EventType_descriptor()->full_name());
  for (int i = 0; events != nullptr && i < events->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = events->value(i);
    if (value->number() == 0) continue;
    CatalogTrigger trigger;
    trigger.event_type = value->name();
    trigger.number = value->number();
    if (std::optional<v1::EventTypeDescription> description = ReadEventDescriptionOption(value->options())) {
      trigger.description = *std::move(description);
    }
    catalog.triggers.push_back(std::move(trigger));
  }
  return catalog;
}

absl::StatusOr<Catalog> FetchCatalog(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout) {
  ServerReflectionClient reflection(std::move(channel), timeout);
  absl::StatusOr<ReflectedSchema> schema = reflection.Fetch();
  if (!schema.ok()) return schema.status();
  return CatalogFromPool(*schema->pool, schema->services);
}

std::string FormatCatalogTable(const Catalog& catalog) {
  std::vector<std::vector<std::string>> actions = {{"METHOD", "CALL", "OPERATION ID", "HTTP", "SCOPE"}};
  for (const CatalogAction& action : catalog.actions) {
    const ghl::api::v1::GhlOperation& op = action.operation;
    actions.push_back({action.method, action.server_streaming ? "stream" : "unary", op.operation_id(),
                       absl::StrCat(op.http_method(), " ", op.path()), op.scope().empty() ? "-" : op.scope()});
  }
  std::vector<std::vector<std::string>> triggers = {{"EVENT TYPE", "GHL EVENT", "PAYLOAD TYPE", "WHEN"}};
  for (const CatalogTrigger& trigger : catalog.triggers) {
    triggers.push_back({trigger.event_type, trigger.description.name(), trigger.description.payload_type(),
                        trigger.description.summary()});
  }
  return absl::StrCat("ACTIONS (", catalog.actions.size(), " operations)\n", Table(actions), "\nTRIGGERS (",
                      catalog.triggers.size(), " webhook event types)\n", Table(triggers));
}

std::string FormatCatalogJson(const Catalog& catalog) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  auto string_member = [&writer](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  writer.Key("actions");
  writer.StartArray();
  for (const CatalogAction& action : catalog.actions) {
    writer.StartObject();
    string_member("method", action.method);
    writer.Key("serverStreaming");
    writer.Bool(action.server_streaming);
    string_member("operationId", action.operation.operation_id());
    string_member("httpMethod", action.operation.http_method());
    string_member("path", action.operation.path());
    string_member("scope", action.operation.scope());
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("triggers");
  writer.StartArray();
  for (const CatalogTrigger& trigger : catalog.triggers) {
    writer.StartObject();
    string_member("eventType", trigger.event_type);
    writer.Key("number");
    writer.Int(trigger.number);
    string_member("name", trigger.description.name());
    string_member("payloadType", trigger.description.payload_type());
    string_member("summary", trigger.description.summary());
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return absl::StrCat(absl::string_view(buffer.GetString(), buffer.GetSize()), "\n");
}

}  // namespace ghl::client
