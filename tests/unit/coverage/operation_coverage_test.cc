// Tests of the coverage check's logic on small documents and descriptors,
// plus a consistency check of the real protos against the real spec (every
// annotation that exists must match; completeness is the job of the
// api_coverage test, which runs ghl_api_coverage).
#include "tests/unit/coverage/operation_coverage.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/empty.pb.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "ghl/api/v1/annotations.pb.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace ghl::coverage {
namespace {

using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

MATCHER_P4(Op, id, method, path, scope, "") {
  return arg.operation_id == id && arg.http_method == method && arg.path == path && arg.scope == scope;
}

constexpr char kSmallSpec[] = R"({
  "openapi": "3.0.0",
  "paths": {
    "/things/{id}": {
      "parameters": [{"name": "id", "in": "path"}],
      "get": {"operationId": "get-thing", "security": [{"bearer": ["things.readonly"]}]},
      "delete": {"operationId": "delete-thing", "security": [{"bearer": ["things.write"]}]}
    },
    "/things/bulk": {
      "post": {"operationId": "bulk-things"}
    }
  }
})";

TEST(ReadSpecOperationsTest, ReadsEveryOperationWithItsScope) {
  absl::StatusOr<std::vector<ApiOperation>> ops = ReadSpecOperations(kSmallSpec);
  ASSERT_THAT(ops, IsOk());
  EXPECT_THAT(*ops, ElementsAre(Op("get-thing", "GET", "/things/{id}", "things.readonly"),
                                Op("delete-thing", "DELETE", "/things/{id}", "things.write"),
                                Op("bulk-things", "POST", "/things/bulk", "")));
}

TEST(ReadSpecOperationsTest, DocumentSecurityAppliesWhenAnOperationHasNone) {
  absl::StatusOr<std::vector<ApiOperation>> ops = ReadSpecOperations(R"({
    "security": [{"bearer": ["global.scope"]}],
    "paths": {"/a": {"get": {"operationId": "a"}, "post": {"operationId": "b", "security": []}}}})");
  ASSERT_THAT(ops, IsOk());
  EXPECT_THAT(*ops, ElementsAre(Op("a", "GET", "/a", "global.scope"), Op("b", "POST", "/a", "")));
}

TEST(ReadSpecOperationsTest, RejectsBrokenDocuments) {
  EXPECT_THAT(ReadSpecOperations("{"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not JSON")));
  EXPECT_THAT(ReadSpecOperations("{}"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("paths")));
  EXPECT_THAT(ReadSpecOperations(R"({"paths": {"/a": {"get": {}}}})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GET /a has no operationId")));
  EXPECT_THAT(ReadSpecOperations(R"({"paths": {"/a": {"get": {"operationId": "x"}}, "/b": {"get": {"operationId": "x"}}}})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeats operationId 'x'")));
}

TEST(ReadSpecOperationsTest, ReadsTheContactsSpec) {
  const std::string text = ghl::testing::ReadFile(ghl::testing::SharedDir() + "/ghl-api/apps/contacts.json");
  ASSERT_FALSE(text.empty()) << "cannot read apps/contacts.json under " << ghl::testing::SharedDir();
  absl::StatusOr<std::vector<ApiOperation>> ops = ReadSpecOperations(text);
  ASSERT_THAT(ops, IsOk());
  EXPECT_GT(ops->size(), 5u);
  EXPECT_THAT(*ops, ::testing::Contains(Op("get-contact", "GET", "/contacts/{contactId}", "contacts.readonly")));
  EXPECT_THAT(*ops, ::testing::Contains(Op("create-task", "POST", "/contacts/{contactId}/tasks", "contacts.write")));
  // The bulk operations declare no security: their scope is empty.
  EXPECT_THAT(*ops, ::testing::Contains(Op("create-association", "POST", "/contacts/bulk/tags/update/{type}", "")));
}

// Builds, in a fresh pool, a file of `package` with one service whose
// methods carry the given annotations (nullopt: none).
class DescriptorFixture {
 public:
  DescriptorFixture() {
    for (const google::protobuf::FileDescriptor* dep :
         {google::protobuf::FileDescriptorProto::descriptor()->file(), google::protobuf::Empty::descriptor()->file(),
          ghl::api::v1::GhlOperation::descriptor()->file()}) {
      google::protobuf::FileDescriptorProto proto;
      dep->CopyTo(&proto);
      pool_.BuildFile(proto);
    }
  }

  const google::protobuf::FileDescriptor* Build(const std::string& file_name, const std::string& package,
                                                const std::vector<std::pair<std::string, const ApiOperation*>>& rpcs) {
    google::protobuf::FileDescriptorProto file;
    file.set_name(file_name);
    file.set_package(package);
    file.set_syntax("proto3");
    file.add_dependency("google/protobuf/empty.proto");
    file.add_dependency("ghl/api/v1/annotations.proto");
    google::protobuf::ServiceDescriptorProto* service = file.add_service();
    service->set_name("ThingsService");
    for (const auto& [name, op] : rpcs) {
      google::protobuf::MethodDescriptorProto* method = service->add_method();
      method->set_name(name);
      method->set_input_type(".google.protobuf.Empty");
      method->set_output_type(".google.protobuf.Empty");
      if (op != nullptr) {
        ghl::api::v1::GhlOperation* option = method->mutable_options()->MutableExtension(ghl::api::v1::operation);
        option->set_operation_id(op->operation_id);
        option->set_http_method(op->http_method);
        option->set_path(op->path);
        option->set_scope(op->scope);
      }
    }
    return pool_.BuildFile(file);
  }

 private:
  google::protobuf::DescriptorPool pool_;
};

TEST(CollectMethodsTest, SplitsAnnotatedFromUnannotatedAndSkipsOtherPackages) {
  DescriptorFixture fixture;
  const ApiOperation get{"get-thing", "GET", "/things/{id}", "things.readonly"};
  const google::protobuf::FileDescriptor* mine =
      fixture.Build("a.proto", "ghl.contacts.v1", {{"GetThing", &get}, {"Ping", nullptr}});
  const google::protobuf::FileDescriptor* other = fixture.Build("b.proto", "other.v1", {{"GetThing", &get}});
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(other, nullptr);
  ProtoMethods methods = CollectMethods({mine, other}, "ghl.contacts.v1");
  ASSERT_THAT(methods.annotated, SizeIs(1));
  EXPECT_EQ(methods.annotated[0].method, "ghl.contacts.v1.ThingsService.GetThing");
  EXPECT_THAT(methods.annotated[0].operation, Op("get-thing", "GET", "/things/{id}", "things.readonly"));
  EXPECT_THAT(methods.unannotated, ElementsAre("ghl.contacts.v1.ThingsService.Ping"));
}

std::vector<ApiOperation> SmallSpec() { return *ReadSpecOperations(kSmallSpec); }

AnnotatedMethod Method(const std::string& name, ApiOperation op) { return {name, std::move(op)}; }

TEST(CompareCoverageTest, CountsCoveredAndNamesMissing) {
  ProtoMethods methods;
  methods.annotated = {Method("s.GetThing", {"get-thing", "GET", "/things/{id}", "things.readonly"})};
  CoverageReport report = CompareCoverage(SmallSpec(), methods);
  EXPECT_EQ(report.covered, 1);
  EXPECT_EQ(report.total, 3);
  EXPECT_FALSE(report.complete());
  EXPECT_TRUE(report.consistent());
  EXPECT_THAT(report.missing, ElementsAre(Field(&ApiOperation::operation_id, "delete-thing"),
                                          Field(&ApiOperation::operation_id, "bulk-things")));
  const std::string text = FormatReport(report);
  EXPECT_THAT(text, ::testing::StartsWith("operations covered: 1/3\n"));
  EXPECT_THAT(text, HasSubstr("missing: delete-thing (DELETE /things/{id}, scope 'things.write')"));
  EXPECT_THAT(text, HasSubstr("missing: bulk-things (POST /things/bulk, scope '')"));
}

TEST(CompareCoverageTest, CompleteWhenEveryOperationMatches) {
  ProtoMethods methods;
  for (const ApiOperation& op : SmallSpec()) methods.annotated.push_back(Method("s." + op.operation_id, op));
  methods.unannotated = {"s.Ping"};
  CoverageReport report = CompareCoverage(SmallSpec(), methods);
  EXPECT_TRUE(report.complete());
  EXPECT_TRUE(report.consistent());
  EXPECT_THAT(FormatReport(report), AllOf(::testing::StartsWith("operations covered: 3/3\n"),
                                          HasSubstr("note: method s.Ping carries no (ghl.api.v1.operation) option")));
}

TEST(CompareCoverageTest, UnknownOperationIdIsAProblem) {
  ProtoMethods methods;
  methods.annotated = {Method("s.Frob", {"frob-thing", "POST", "/things/frob", ""})};
  CoverageReport report = CompareCoverage(SmallSpec(), methods);
  EXPECT_FALSE(report.consistent());
  EXPECT_EQ(report.covered, 0);
  EXPECT_THAT(report.problems, ElementsAre(HasSubstr("s.Frob names operationId 'frob-thing', which is not in the spec")));
}

TEST(CompareCoverageTest, MethodPathOrScopeDifferenceIsAProblemAndNotCovered) {
  ProtoMethods methods;
  methods.annotated = {
      Method("s.Get", {"get-thing", "POST", "/things/{id}", "things.readonly"}),
      Method("s.Delete", {"delete-thing", "DELETE", "/things/{thingId}", "things.write"}),
      Method("s.Bulk", {"bulk-things", "POST", "/things/bulk", "things.write"}),
  };
  CoverageReport report = CompareCoverage(SmallSpec(), methods);
  EXPECT_EQ(report.covered, 0);
  EXPECT_THAT(report.problems,
              ElementsAre(HasSubstr("http_method 'POST' (spec: 'GET')"),
                          HasSubstr("path '/things/{thingId}' (spec: '/things/{id}')"),
                          HasSubstr("s.Bulk annotates bulk-things with scope 'things.write' (spec: '')")));
  EXPECT_THAT(FormatReport(report), HasSubstr("problem: s.Get annotates get-thing with http_method"));
}

TEST(CompareCoverageTest, AnOperationServedTwiceCountsOnceWithANote) {
  const ApiOperation bulk{"bulk-things", "POST", "/things/bulk", ""};
  ProtoMethods methods;
  methods.annotated = {Method("s.BulkAdd", bulk), Method("s.BulkRemove", bulk)};
  CoverageReport report = CompareCoverage(SmallSpec(), methods);
  EXPECT_EQ(report.covered, 1);
  EXPECT_THAT(report.notes, ElementsAre("operation bulk-things is served by 2 methods: s.BulkAdd, s.BulkRemove"));
}

TEST(FindGeneratedFilesTest, FindsLinkedFilesAndNamesAbsentOnes) {
  EXPECT_THAT(FindGeneratedFiles({"ghl/api/v1/annotations.proto"}), IsOk());
  EXPECT_THAT(FindGeneratedFiles({"ghl/api/v1/annotations.proto", "no/such.proto"}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no/such.proto")));
}

// The real protos: every annotation present today must agree with the spec,
// and every compiled ghl.contacts.v1 file is linked into this binary.
TEST(RealProtosTest, EveryAnnotationAgreesWithTheSpec) {
  const std::string text = ghl::testing::ReadFile(ghl::testing::SharedDir() + "/ghl-api/apps/contacts.json");
  absl::StatusOr<std::vector<ApiOperation>> spec = ReadSpecOperations(text);
  ASSERT_THAT(spec, IsOk());
  const std::vector<std::string> names = absl::StrSplit(GHL_PROTO_FILES, ',', absl::SkipEmpty());
  absl::StatusOr<std::vector<const google::protobuf::FileDescriptor*>> files = FindGeneratedFiles(names);
  ASSERT_THAT(files, IsOk());
  ProtoMethods methods = CollectMethods(*files, "ghl.contacts.v1");
  EXPECT_THAT(methods.annotated, Not(IsEmpty()));
  CoverageReport report = CompareCoverage(*spec, methods);
  EXPECT_THAT(report.problems, IsEmpty()) << FormatReport(report);
  EXPECT_GE(report.covered, 5) << FormatReport(report);
}

}  // namespace
}  // namespace ghl::coverage
