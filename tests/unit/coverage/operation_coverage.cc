#include "tests/unit/coverage/operation_coverage.h"

#include <algorithm>
#include <map>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ghl/api/v1/annotations.pb.h"

namespace ghl::coverage {
namespace {

// OpenAPI 3 path item members that are operations; the others (parameters,
// summary, servers, ...) are not.
bool IsHttpMethod(absl::string_view name) {
  static const std::set<std::string, std::less<>> kMethods = {"get",     "put",  "post",  "delete",
                                                              "options", "head", "patch", "trace"};
  return kMethods.count(name) > 0;
}

// The scopes of a `security` array, in order, without repeats, joined by a
// space (every operation of apps/contacts.json names exactly one).
std::string ScopesOf(const rapidjson::Value& security) {
  std::vector<std::string> scopes;
  if (!security.IsArray()) return "";
  for (const rapidjson::Value& requirement : security.GetArray()) {
    if (!requirement.IsObject()) continue;
    for (const auto& scheme : requirement.GetObject()) {
      if (!scheme.value.IsArray()) continue;
      for (const rapidjson::Value& scope : scheme.value.GetArray()) {
        if (!scope.IsString()) continue;
        std::string text(scope.GetString(), scope.GetStringLength());
        if (std::find(scopes.begin(), scopes.end(), text) == scopes.end()) scopes.push_back(std::move(text));
      }
    }
  }
  return absl::StrJoin(scopes, " ");
}

std::string Describe(const ApiOperation& op) {
  return absl::StrCat(op.operation_id, " (", op.http_method, " ", op.path, ", scope '", op.scope, "')");
}

}  // namespace

absl::StatusOr<std::vector<ApiOperation>> ReadSpecOperations(absl::string_view openapi_json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(openapi_json.data(), openapi_json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat("spec is not JSON: ", rapidjson::GetParseError_En(doc.GetParseError()),
                                                   " at offset ", doc.GetErrorOffset()));
  }
  if (!doc.IsObject() || !doc.HasMember("paths") || !doc["paths"].IsObject()) {
    return absl::InvalidArgumentError("spec has no 'paths' object");
  }
  static const rapidjson::Value kNoSecurity;
  const rapidjson::Value& global_security = doc.HasMember("security") ? doc["security"] : kNoSecurity;

  std::vector<ApiOperation> operations;
  std::set<std::string> seen;
  for (const auto& path_item : doc["paths"].GetObject()) {
    if (!path_item.value.IsObject()) continue;
    const std::string path(path_item.name.GetString(), path_item.name.GetStringLength());
    for (const auto& member : path_item.value.GetObject()) {
      const absl::string_view method(member.name.GetString(), member.name.GetStringLength());
      if (!IsHttpMethod(method) || !member.value.IsObject()) continue;
      const rapidjson::Value& op = member.value;
      ApiOperation operation;
      operation.http_method = absl::AsciiStrToUpper(method);
      operation.path = path;
      if (!op.HasMember("operationId") || !op["operationId"].IsString()) {
        return absl::InvalidArgumentError(
            absl::StrCat("spec operation ", operation.http_method, " ", path, " has no operationId"));
      }
      operation.operation_id.assign(op["operationId"].GetString(), op["operationId"].GetStringLength());
      // An operation's own `security` replaces the document's (OpenAPI 3).
      operation.scope = ScopesOf(op.HasMember("security") ? op["security"] : global_security);
      if (!seen.insert(operation.operation_id).second) {
        return absl::InvalidArgumentError(absl::StrCat("spec repeats operationId '", operation.operation_id, "'"));
      }
      operations.push_back(std::move(operation));
    }
  }
  return operations;
}

ProtoMethods CollectMethods(const std::vector<const google::protobuf::FileDescriptor*>& files,
                            absl::string_view package) {
  ProtoMethods methods;
  for (const google::protobuf::FileDescriptor* file : files) {
    if (file->package() != package) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = service->method(m);
        if (!method->options().HasExtension(ghl::api::v1::operation)) {
          methods.unannotated.push_back(method->full_name());
          continue;
        }
        const ghl::api::v1::GhlOperation& option = method->options().GetExtension(ghl::api::v1::operation);
        methods.annotated.push_back(
            {method->full_name(), {option.operation_id(), option.http_method(), option.path(), option.scope()}});
      }
    }
  }
  return methods;
}

absl::StatusOr<std::vector<const google::protobuf::FileDescriptor*>> FindGeneratedFiles(
    const std::vector<std::string>& names) {
  std::vector<const google::protobuf::FileDescriptor*> files;
  std::vector<std::string> absent;
  for (const std::string& name : names) {
    const google::protobuf::FileDescriptor* file = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr) {
      absent.push_back(name);
    } else {
      files.push_back(file);
    }
  }
  if (!absent.empty()) {
    return absl::NotFoundError(
        absl::StrCat("not compiled into this binary (link ghl::proto whole): ", absl::StrJoin(absent, ", ")));
  }
  return files;
}

CoverageReport CompareCoverage(const std::vector<ApiOperation>& spec, const ProtoMethods& methods) {
  CoverageReport report;
  report.total = static_cast<int>(spec.size());
  std::map<std::string, const ApiOperation*> by_id;
  for (const ApiOperation& op : spec) by_id[op.operation_id] = &op;

  // operationId -> the methods whose annotation matches the spec exactly.
  std::map<std::string, std::vector<std::string>> matching;
  for (const AnnotatedMethod& method : methods.annotated) {
    const ApiOperation& got = method.operation;
    auto it = by_id.find(got.operation_id);
    if (it == by_id.end()) {
      report.problems.push_back(
          absl::StrCat(method.method, " names operationId '", got.operation_id, "', which is not in the spec"));
      continue;
    }
    const ApiOperation& want = *it->second;
    std::vector<std::string> diffs;
    if (got.http_method != want.http_method) {
      diffs.push_back(absl::StrCat("http_method '", got.http_method, "' (spec: '", want.http_method, "')"));
    }
    if (got.path != want.path) diffs.push_back(absl::StrCat("path '", got.path, "' (spec: '", want.path, "')"));
    if (got.scope != want.scope) diffs.push_back(absl::StrCat("scope '", got.scope, "' (spec: '", want.scope, "')"));
    if (!diffs.empty()) {
      report.problems.push_back(
          absl::StrCat(method.method, " annotates ", got.operation_id, " with ", absl::StrJoin(diffs, ", ")));
      continue;
    }
    matching[got.operation_id].push_back(method.method);
  }

  for (const ApiOperation& op : spec) {
    auto it = matching.find(op.operation_id);
    if (it == matching.end()) {
      report.missing.push_back(op);
      continue;
    }
    ++report.covered;
    if (it->second.size() > 1) {
      report.notes.push_back(absl::StrCat("operation ", op.operation_id, " is served by ", it->second.size(),
                                          " methods: ", absl::StrJoin(it->second, ", ")));
    }
  }
  for (const std::string& method : methods.unannotated) {
    report.notes.push_back(absl::StrCat("method ", method, " carries no (ghl.api.v1.operation) option"));
  }
  return report;
}

std::string FormatReport(const CoverageReport& report) {
  std::string text = absl::StrCat("operations covered: ", report.covered, "/", report.total, "\n");
  for (const ApiOperation& op : report.missing) absl::StrAppend(&text, "missing: ", Describe(op), "\n");
  for (const std::string& problem : report.problems) absl::StrAppend(&text, "problem: ", problem, "\n");
  for (const std::string& note : report.notes) absl::StrAppend(&text, "note: ", note, "\n");
  return text;
}

}  // namespace ghl::coverage
