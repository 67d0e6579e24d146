// FakeContactsService: a scripted in-process ContactsService for the client
// tests, and TestServer, which serves it on 127.0.0.1 port 0.
//
// ListContacts pages the configured contacts (page size from the request, 0
// meaning default_page_size), numbers pages from 1, sets total_size, and uses
// resume tokens "after:<pages delivered>". A script entry per call can break
// the stream after N pages with a status (OK = end without last_page), so
// tests exercise the client's reconnects. Every request is recorded.
#ifndef GHL_TESTS_UNIT_CLIENT_FAKE_CONTACTS_SERVICE_H_
#define GHL_TESTS_UNIT_CLIENT_FAKE_CONTACTS_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"

namespace ghl::client::testing {

namespace v1 = ::ghl::contacts::v1;

class FakeContactsService final : public v1::ContactsService::Service {
 public:
  // How one ListContacts call ends early.
  struct Break {
    int after_pages = 0;      // pages this call sends before breaking
    grpc::Status status;      // OK: end the stream without last_page
  };

  void SetContacts(std::vector<v1::Contact> contacts) {
    absl::MutexLock lock(&mu_);
    contacts_ = std::move(contacts);
  }
  void SetDefaultPageSize(int size) {
    absl::MutexLock lock(&mu_);
    default_page_size_ = size;
  }
  // Entry i applies to the i-th ListContacts call (0-based); nullopt = no break.
  void SetBreaks(std::vector<std::optional<Break>> breaks) {
    absl::MutexLock lock(&mu_);
    breaks_ = std::move(breaks);
  }
  // Pages carry no resume token (a broken gateway).
  void SetOmitResumeTokens(bool omit) {
    absl::MutexLock lock(&mu_);
    omit_tokens_ = omit;
  }
  // Resumed streams skip one page (a broken gateway).
  void SetSkipPageOnResume(bool skip) {
    absl::MutexLock lock(&mu_);
    skip_on_resume_ = skip;
  }
  // Called before each page is written (e.g. to advance a fake clock).
  void SetPageHook(std::function<void()> hook) {
    absl::MutexLock lock(&mu_);
    page_hook_ = std::move(hook);
  }
  // The next unary calls fail with this status (until reset with OK).
  void SetUnaryError(grpc::Status status) {
    absl::MutexLock lock(&mu_);
    unary_error_ = std::move(status);
  }
  // Unary calls wait for cancellation (to test deadlines).
  void SetHangUnary(bool hang) {
    absl::MutexLock lock(&mu_);
    hang_ = hang;
  }
  // The contact CreateContact / UpdateContact return (the request's if unset).
  void SetWriteResponse(v1::Contact contact) {
    absl::MutexLock lock(&mu_);
    write_response_ = std::move(contact);
  }

  std::vector<v1::ListContactsRequest> list_requests() {
    absl::MutexLock lock(&mu_);
    return list_requests_;
  }
  std::vector<v1::GetContactRequest> get_requests() {
    absl::MutexLock lock(&mu_);
    return get_requests_;
  }
  std::vector<v1::CreateContactRequest> create_requests() {
    absl::MutexLock lock(&mu_);
    return create_requests_;
  }
  std::vector<v1::UpdateContactRequest> update_requests() {
    absl::MutexLock lock(&mu_);
    return update_requests_;
  }
  std::vector<v1::DeleteContactRequest> delete_requests() {
    absl::MutexLock lock(&mu_);
    return delete_requests_;
  }

  grpc::Status GetContact(grpc::ServerContext* context, const v1::GetContactRequest* request,
                          v1::Contact* response) override {
    std::optional<grpc::Status> early = StartUnary(context, [&] { get_requests_.push_back(*request); });
    if (early.has_value()) return *early;
    absl::MutexLock lock(&mu_);
    for (const v1::Contact& contact : contacts_) {
      if (contact.id() == request->contact_id()) {
        *response = contact;
        return grpc::Status::OK;
      }
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("contact ", request->contact_id(), " not found"));
  }

  grpc::Status CreateContact(grpc::ServerContext* context, const v1::CreateContactRequest* request,
                             v1::Contact* response) override {
    std::optional<grpc::Status> early = StartUnary(context, [&] { create_requests_.push_back(*request); });
    if (early.has_value()) return *early;
    absl::MutexLock lock(&mu_);
    *response = write_response_.value_or(request->contact());
    return grpc::Status::OK;
  }

  grpc::Status UpdateContact(grpc::ServerContext* context, const v1::UpdateContactRequest* request,
                             v1::Contact* response) override {
    std::optional<grpc::Status> early = StartUnary(context, [&] { update_requests_.push_back(*request); });
    if (early.has_value()) return *early;
    absl::MutexLock lock(&mu_);
    *response = write_response_.value_or(request->contact());
    return grpc::Status::OK;
  }

  grpc::Status DeleteContact(grpc::ServerContext* context, const v1::DeleteContactRequest* request,
                             google::protobuf::Empty* response) override {
    std::optional<grpc::Status> early = StartUnary(context, [&] { delete_requests_.push_back(*request); });
    if (early.has_value()) return *early;
    return grpc::Status::OK;
  }

  grpc::Status ListContacts(grpc::ServerContext* context, const v1::ListContactsRequest* request,
                            grpc::ServerWriter<v1::ListContactsResponse>* writer) override {
    std::vector<v1::Contact> contacts;
    int page_size = 0;
    std::optional<Break> script;
    bool omit_tokens = false;
    bool skip_on_resume = false;
    std::function<void()> hook;
    {
      absl::MutexLock lock(&mu_);
      const size_t call = list_requests_.size();
      list_requests_.push_back(*request);
      if (call < breaks_.size()) script = breaks_[call];
      contacts = contacts_;
      page_size = request->page_size() > 0 ? request->page_size() : default_page_size_;
      omit_tokens = omit_tokens_;
      skip_on_resume = skip_on_resume_;
      hook = page_hook_;
    }
    int start_page = 0;  // pages already delivered
    if (!request->resume_token().empty()) {
      absl::string_view token = request->resume_token();
      if (!absl::ConsumePrefix(&token, "after:") || !absl::SimpleAtoi(token, &start_page)) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "resume_token is invalid");
      }
      if (skip_on_resume) ++start_page;
    }
    const int total_pages = contacts.empty() ? 1 : static_cast<int>((contacts.size() + page_size - 1) / page_size);
    int sent_this_call = 0;
    for (int page = start_page; page < total_pages; ++page) {
      if (script.has_value() && sent_this_call == script->after_pages) return script->status;
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
      v1::ListContactsResponse response;
      const size_t begin = static_cast<size_t>(page) * page_size;
      const size_t end = std::min(contacts.size(), begin + page_size);
      for (size_t i = begin; i < end; ++i) *response.add_contacts() = contacts[i];
      response.set_total_size(static_cast<int64_t>(contacts.size()));
      response.set_page_number(page + 1);
      response.set_last_page(page + 1 == total_pages);
      if (!omit_tokens) response.set_resume_token(absl::StrCat("after:", page + 1));
      if (hook) hook();
      if (!writer->Write(response)) return grpc::Status::CANCELLED;
      ++sent_this_call;
    }
    if (script.has_value() && sent_this_call == script->after_pages && !script->status.ok()) return script->status;
    return grpc::Status::OK;
  }

 private:
  // Records the request; returns the scripted outcome if the call should not proceed.
  std::optional<grpc::Status> StartUnary(grpc::ServerContext* context, const std::function<void()>& record) {
    bool hang = false;
    {
      absl::MutexLock lock(&mu_);
      record();
      if (!unary_error_.ok()) return unary_error_;
      hang = hang_;
    }
    if (hang) {
      while (!context->IsCancelled()) absl::SleepFor(absl::Milliseconds(5));
      return grpc::Status::CANCELLED;
    }
    return std::nullopt;
  }

  absl::Mutex mu_;
  std::vector<v1::Contact> contacts_;
  int default_page_size_ = 100;
  std::vector<std::optional<Break>> breaks_;
  bool omit_tokens_ = false;
  bool skip_on_resume_ = false;
  std::function<void()> page_hook_;
  grpc::Status unary_error_;
  bool hang_ = false;
  std::optional<v1::Contact> write_response_;
  std::vector<v1::ListContactsRequest> list_requests_;
  std::vector<v1::GetContactRequest> get_requests_;
  std::vector<v1::CreateContactRequest> create_requests_;
  std::vector<v1::UpdateContactRequest> update_requests_;
  std::vector<v1::DeleteContactRequest> delete_requests_;
};

// Serves one service on 127.0.0.1, port 0 (hermetic: no fixed ports).
class TestServer {
 public:
  explicit TestServer(grpc::Service* service) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service);
    server_ = builder.BuildAndStart();
  }
  ~TestServer() { server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1))); }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  std::shared_ptr<grpc::Channel> channel() const {
    return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// n contacts with ids c0001.. and names, for paging tests.
inline std::vector<v1::Contact> MakeContacts(int n) {
  std::vector<v1::Contact> contacts;
  for (int i = 1; i <= n; ++i) {
    v1::Contact contact;
    char id[16];
    std::snprintf(id, sizeof(id), "c%04d", i);
    contact.set_id(id);
    contact.set_location_id("loc1");
    contact.set_first_name(absl::StrCat("First", i));
    contacts.push_back(std::move(contact));
  }
  return contacts;
}

}  // namespace ghl::client::testing

#endif  // GHL_TESTS_UNIT_CLIENT_FAKE_CONTACTS_SERVICE_H_
