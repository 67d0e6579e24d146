#include "server/contacts_service_impl.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "server/caller_auth.h"
#include "server/grpc_status.h"
#include "server/request_validation.h"

namespace ghl::server {
namespace {

using ::ghl::contacts::ApplyReadMask;
using ::ghl::contacts::ContactsConnection;
using ::ghl::contacts::ContactsPager;
using ::ghl::contacts::ListContactsPageRequest;
using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::ListContactsRequest;
using ::ghl::contacts::v1::ListContactsResponse;

// Checks a read mask before any upstream call.
absl::Status ValidateReadMask(const google::protobuf::FieldMask& mask) {
  Contact probe;
  auto s = ApplyReadMask(mask, &probe);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("read_mask: ", s.message()));
  return absl::OkStatus();
}

grpc::Status ShuttingDown() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "ghl-gateway is shutting down; retry elsewhere");
}

class ListContactsReactor final : public grpc::ServerWriteReactor<ListContactsResponse> {
 public:
  ListContactsReactor(grpc::CallbackServerContext* context, const ListContactsRequest* request,
                      ContactsConnection* connection, WorkerPool* pool)
      : context_(context), request_(request), pool_(pool) {
    absl::Status status = Validate();
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return;
    }
    auto position = DecodeResumeToken(*request_);
    if (!position.ok()) {
      Finish(ToGrpcStatus(position.status()));
      return;
    }
    if (position->done) {
      // Resumed after the last page: one empty last page, so every stream
      // ends with last_page and a caller can tell "complete" from "broken".
      response_.set_resume_token(request_->resume_token());
      response_.set_page_number(position->pages_delivered);
      response_.set_total_size(position->contacts_delivered);
      response_.set_last_page(true);
      done_on_write_ = true;
      StartWrite(&response_);
      return;
    }
    ListContactsPageRequest page_request;
    page_request.location_id = request_->location_id();
    page_request.query = request_->query();
    page_request.limit = *PageSize(request_->page_size());
    pager_ = connection->ListContacts(std::move(page_request), *position);
    ScheduleFetch();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the caller stopped reading"));
      return;
    }
    if (done_on_write_ || pager_->done()) {
      Finish(grpc::Status::OK);
      return;
    }
    ScheduleFetch();
  }

  void OnDone() override { delete this; }

 private:
  absl::Status Validate() {
    if (auto s = ValidateId("location_id", request_->location_id()); !s.ok()) return s;
    if (auto s = PageSize(request_->page_size()); !s.ok()) return s.status();
    if (request_->query().size() > 256) {
      return absl::InvalidArgumentError("query: longer than 256 characters");
    }
    return ValidateReadMask(request_->read_mask());
  }

  void ScheduleFetch() {
    if (!pool_->Post([this] { Fetch(); })) Finish(ShuttingDown());
  }

  // Runs on the pool. Touches nothing after StartWrite/Finish: OnWriteDone
  // and OnDone may run on another thread right away.
  void Fetch() {
    if (context_->IsCancelled()) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller"));
      return;
    }
    auto page = pager_->NextPage([this] { return context_->IsCancelled(); });
    if (!page.ok()) {
      Finish(ToGrpcStatus(page.status()));
      return;
    }
    response_.Clear();
    for (auto& contact : page->contacts) {
      Contact* out = response_.add_contacts();
      *out = std::move(contact);
      // The mask was validated up front, so this cannot fail.
      (void)ApplyReadMask(request_->read_mask(), out);
    }
    const auto& position = pager_->position();
    response_.set_resume_token(EncodeResumeToken(*request_, position));
    response_.set_total_size(page->total >= 0 ? page->total : position.contacts_delivered);
    response_.set_page_number(position.pages_delivered);
    response_.set_last_page(position.done);
    StartWrite(&response_);
  }

  grpc::CallbackServerContext* context_;
  const ListContactsRequest* request_;
  WorkerPool* pool_;
  std::unique_ptr<ContactsPager> pager_;
  ListContactsResponse response_;
  bool done_on_write_ = false;
};

}  // namespace

grpc::ServerUnaryReactor* ContactsServiceImpl::RunUnary(grpc::CallbackServerContext* context,
                                                        std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (auto denied = CallerDenied(context)) {
    reactor->Finish(*denied);
    return reactor;
  }
  const bool posted = pool_->Post([reactor, work = std::move(work)] {
    reactor->Finish(ToGrpcStatus(work()));
  });
  if (!posted) reactor->Finish(ShuttingDown());
  return reactor;
}

grpc::ServerUnaryReactor* ContactsServiceImpl::GetContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::GetContactRequest* request,
    Contact* response) {
  return RunUnary(context, [this, context, request, response]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    if (auto s = ValidateId("contact_id", request->contact_id()); !s.ok()) return s;
    if (auto s = ValidateReadMask(request->read_mask()); !s.ok()) return s;
    auto contact = connection_->GetContact(request->location_id(), request->contact_id(),
                                           [context] { return context->IsCancelled(); });
    if (!contact.ok()) return contact.status();
    // A contact of another location is not this caller's to see.
    if (contact->has_location_id() && contact->location_id() != request->location_id()) {
      return absl::NotFoundError(absl::StrCat("contact ", request->contact_id(),
                                              " not found in location ", request->location_id()));
    }
    *response = std::move(*contact);
    return ApplyReadMask(request->read_mask(), response);
  });
}

grpc::ServerWriteReactor<ListContactsResponse>* ContactsServiceImpl::ListContacts(
    grpc::CallbackServerContext* context, const ListContactsRequest* request) {
  if (auto denied = CallerDenied(context)) {
    return new FinishedWriteReactor<ListContactsResponse>(*denied);
  }
  return new ListContactsReactor(context, request, connection_.get(), pool_);
}

grpc::ServerUnaryReactor* ContactsServiceImpl::CreateContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::CreateContactRequest* request,
    Contact* response) {
  return RunUnary(context, [this, request, response]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    const Contact& contact = request->contact();
    if (contact.has_location_id() && contact.location_id() != request->location_id()) {
      return absl::InvalidArgumentError("contact.location_id: differs from location_id");
    }
    auto created = connection_->CreateContact(request->location_id(), contact);
    if (!created.ok()) return created.status();
    *response = std::move(*created);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContactsServiceImpl::UpdateContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::UpdateContactRequest* request,
    Contact* response) {
  return RunUnary(context, [this, request, response]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    if (auto s = ValidateId("contact.id", request->contact().id()); !s.ok()) return s;
    if (request->update_mask().paths_size() == 0) {
      return absl::InvalidArgumentError("update_mask: must name at least one field");
    }
    auto updated = connection_->UpdateContact(request->location_id(), request->contact(),
                                              request->update_mask());
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContactsServiceImpl::DeleteContact(
    grpc::CallbackServerContext* context, const ghl::contacts::v1::DeleteContactRequest* request,
    google::protobuf::Empty*) {
  return RunUnary(context, [this, request]() -> absl::Status {
    if (auto s = ValidateId("location_id", request->location_id()); !s.ok()) return s;
    if (auto s = ValidateId("contact_id", request->contact_id()); !s.ok()) return s;
    return connection_->DeleteContact(request->location_id(), request->contact_id());
  });
}

}  // namespace ghl::server
