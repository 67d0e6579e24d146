// Operation coverage: compares the operations of a GHL OpenAPI document
// (apps/contacts.json) with the `(ghl.api.v1.operation)` method options of
// the compiled protos, so "every operation is reachable through an RPC" is
// a test, not a claim.
//
// What counts: every (path, HTTP method) of the document's `paths` is one
// operation, named by its operationId. An operation is covered when some
// method of a service in the checked package carries an annotation with that
// operationId whose http_method, path and scope equal the document's (scope =
// the first `bearer` scope of the operation's `security`, empty when it has
// none). An annotation naming an unknown operationId, or one whose method,
// path or scope differ from the document, is a problem: the report is then
// inconsistent, whatever the count. Methods without an annotation (e.g. the
// gateway's own CatalogService) and operations served by several methods are
// listed as notes, not problems.
//
// Threading: pure functions over values and immutable descriptors.
#ifndef GHL_TESTS_UNIT_COVERAGE_OPERATION_COVERAGE_H_
#define GHL_TESTS_UNIT_COVERAGE_OPERATION_COVERAGE_H_

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ghl::coverage {

/// One REST operation, as the spec declares it or as an annotation names it.
struct ApiOperation {
  /// The spec's operationId, e.g. "get-contact".
  std::string operation_id;
  /// Upper-case HTTP method, e.g. "GET".
  std::string http_method;
  /// Path template, e.g. "/contacts/{contactId}".
  std::string path;
  /// Bearer scope, e.g. "contacts.readonly"; empty when none is declared.
  std::string scope;
};

/// A gRPC method and the annotation it carries.
struct AnnotatedMethod {
  /// Full method name, e.g. "ghl.contacts.v1.ContactsService.GetContact".
  std::string method;
  /// The `(ghl.api.v1.operation)` option.
  ApiOperation operation;
};

/// The methods of a package's services, split by whether they carry the option.
struct ProtoMethods {
  /// Methods with a `(ghl.api.v1.operation)` option, in descriptor order.
  std::vector<AnnotatedMethod> annotated;
  /// Full names of methods without one.
  std::vector<std::string> unannotated;
};

/// The outcome of CompareCoverage.
struct CoverageReport {
  /// Operations in the spec (M).
  int total = 0;
  /// Operations covered by a matching annotation (N).
  int covered = 0;
  /// Spec operations no method covers, in spec order.
  std::vector<ApiOperation> missing;
  /// Annotations that name an unknown operationId or differ from the spec.
  std::vector<std::string> problems;
  /// Informational lines (unannotated methods, operations with several methods).
  std::vector<std::string> notes;

  /// True when every operation is covered.
  bool complete() const { return covered == total && missing.empty(); }
  /// True when no annotation contradicts the spec.
  bool consistent() const { return problems.empty(); }
};

/// Reads the operations of an OpenAPI 3 document.
/// @param openapi_json the document's text.
/// @return operations in document order; INVALID_ARGUMENT for a document that
///         is not JSON, has no `paths` object, or has an operation without an
///         operationId or with a duplicate one.
absl::StatusOr<std::vector<ApiOperation>> ReadSpecOperations(absl::string_view openapi_json);

/// Collects the methods of every service declared in `files` whose package is
/// `package` (other files are skipped).
/// @param files descriptors to walk, e.g. from FindGeneratedFiles.
/// @param package e.g. "ghl.contacts.v1".
ProtoMethods CollectMethods(const std::vector<const google::protobuf::FileDescriptor*>& files,
                            absl::string_view package);

/// Looks up proto files in the generated pool (the descriptors compiled into
/// this binary).
/// @param names proto file names, e.g. "ghl/contacts/v1/contacts_service.proto".
/// @return the descriptors; NOT_FOUND naming every file that is not linked in.
absl::StatusOr<std::vector<const google::protobuf::FileDescriptor*>> FindGeneratedFiles(
    const std::vector<std::string>& names);

/// Compares spec operations with annotated methods. See the file comment.
CoverageReport CompareCoverage(const std::vector<ApiOperation>& spec, const ProtoMethods& methods);

/// The report as text: "operations covered: N/M", then each missing
/// operation, each problem and each note on its own line.
std::string FormatReport(const CoverageReport& report);

}  // namespace ghl::coverage

#endif  // GHL_TESTS_UNIT_COVERAGE_OPERATION_COVERAGE_H_
