// NotesStub against a scripted transport: exact URLs, methods and bodies of
// each operation, the spec's example answers parsed, and error mapping.
#include "adapters/ghl/contacts/notes_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/contacts/json_mapping.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/contacts/stub_test_util.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::testing::ExpectRequest;
using ::ghl::contacts::testing::ForContact;
using ::ghl::contacts::testing::OperationExample;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

class NotesStubTest : public testing::ScriptedStubTest<NotesStub> {
 protected:
  NotesStubTest() : ScriptedStubTest(MakeDefaultNotesStub) {}
};

TEST_F(NotesStubTest, ListNotesParsesTheSpecExample) {
  transport_->AddResponse(200, OperationExample("get", "/contacts/{contactId}/notes", "200"));
  auto notes = stub_->ListNotes(options_, ForContact<v1::ListNotesRequest>("c1"));
  ASSERT_THAT(notes, IsOk());
  ExpectRequest(transport_->requests().at(0), "GET", "http://ghl.test/contacts/c1/notes", "");
  ASSERT_EQ(notes->notes_size(), 1);
  EXPECT_EQ(notes->notes(0).id(), "HGPcayliwcdoUFzvbTok");
  EXPECT_EQ(FormatGhlTime(notes->notes(0).date_added()), "2021-07-08T12:02:11.285Z");
}

TEST_F(NotesStubTest, GetNoteParsesTheSpecExample) {
  transport_->AddResponse(200, OperationExample("get", "/contacts/{contactId}/notes/{id}", "200"));
  auto request = ForContact<v1::GetNoteRequest>("c1");
  request.set_note_id("n1");
  auto note = stub_->GetNote(options_, request);
  ASSERT_THAT(note, IsOk());
  ExpectRequest(transport_->requests().at(0), "GET", "http://ghl.test/contacts/c1/notes/n1", "");
  EXPECT_EQ(note->title(), "Follow-up summary");
}

TEST_F(NotesStubTest, CreateNotePostsNotesDto) {
  transport_->AddResponse(201, OperationExample("post", "/contacts/{contactId}/notes", "201"));
  auto request = ForContact<v1::CreateNoteRequest>("c1");
  request.mutable_note()->set_body("Met at the fair, wants a demo");
  request.mutable_note()->set_pinned(true);
  auto note = stub_->CreateNote(options_, request);
  ASSERT_THAT(note, IsOk());
  ExpectRequest(transport_->requests().at(0), "POST", "http://ghl.test/contacts/c1/notes",
                R"({"body":"Met at the fair, wants a demo","pinned":true})");
  EXPECT_EQ(note->id(), "HGPcayliwcdoUFzvbTok");
}

TEST_F(NotesStubTest, CreateNoteWithoutBodySendsNothing) {
  EXPECT_THAT(stub_->CreateNote(options_, ForContact<v1::CreateNoteRequest>("c1")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note.body")));
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(NotesStubTest, UpdateNotePutsTheMaskedFields) {
  transport_->AddResponse(200, OperationExample("put", "/contacts/{contactId}/notes/{id}", "200"));
  auto request = ForContact<v1::UpdateNoteRequest>("c1");
  request.mutable_note()->set_id("n1");
  request.mutable_note()->set_body("edited");
  request.mutable_note()->set_color("#000000");
  request.mutable_update_mask()->add_paths("body");
  ASSERT_THAT(stub_->UpdateNote(options_, request), IsOk());
  ExpectRequest(transport_->requests().at(0), "PUT", "http://ghl.test/contacts/c1/notes/n1",
                R"({"body":"edited"})");
}

TEST_F(NotesStubTest, DeleteNote) {
  transport_->AddResponse(200,
                          OperationExample("delete", "/contacts/{contactId}/notes/{id}", "200"));
  transport_->AddResponse(404, R"({"statusCode":404,"message":"Note not found"})");
  auto request = ForContact<v1::DeleteNoteRequest>("c1");
  request.set_note_id("n1");
  EXPECT_THAT(stub_->DeleteNote(options_, request), IsOk());
  ExpectRequest(transport_->requests().at(0), "DELETE", "http://ghl.test/contacts/c1/notes/n1", "");
  EXPECT_THAT(stub_->DeleteNote(options_, request),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("Note not found")));
}

TEST_F(NotesStubTest, MisshapenAnswersAreInternalOrUnavailable) {
  transport_->AddResponse(200, R"({"note":[]})");
  transport_->AddResponse(200, R"({"note":{"id":"n1","body":)");
  auto request = ForContact<v1::GetNoteRequest>("c1");
  request.set_note_id("n1");
  EXPECT_THAT(stub_->GetNote(options_, request),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("no note object")));
  EXPECT_THAT(stub_->GetNote(options_, request),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed JSON")));
}

TEST_F(NotesStubTest, UnusableAnswerToAnUpdateSaysItWasApplied) {
  transport_->AddResponse(200, "not json");
  auto request = ForContact<v1::UpdateNoteRequest>("c1");
  request.mutable_note()->set_id("n1");
  request.mutable_note()->set_title("t");
  request.mutable_update_mask()->add_paths("title");
  EXPECT_THAT(stub_->UpdateNote(options_, request),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("GHL applied the update-note"), HasSubstr("malformed"))));
}

}  // namespace
}  // namespace ghl::contacts
