#include "adapters/ghl/contacts/appointments_stub.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/resource_mapping.h"
#include "adapters/ghl/contacts/rest_call.h"

namespace ghl::contacts {
namespace {

class DefaultAppointmentsStub final : public AppointmentsStub {
 public:
  explicit DefaultAppointmentsStub(GhlRestCall rest) : rest_(std::move(rest)) {}

  absl::StatusOr<AppointmentsPage> ListContactAppointments(const CallOptions& options,
                                                           const std::string& location_id,
                                                           const std::string& contact_id) override {
    AppointmentsPage page;
    auto status = ReadListAnswer(
        rest_.Send(options, location_id, "GET",
                   absl::StrCat("/contacts/", http::UrlEncode(contact_id), "/appointments"), ""),
        "events", AppointmentJson(), "get-appointments-for-contact", &page.appointments);
    if (!status.ok()) return status;
    return page;
  }

 private:
  GhlRestCall rest_;
};

}  // namespace

std::shared_ptr<AppointmentsStub> MakeDefaultAppointmentsStub(
    std::shared_ptr<http::HttpTransport> transport, std::string base_url,
    std::shared_ptr<auth::TokenSource> tokens) {
  return std::make_shared<DefaultAppointmentsStub>(
      GhlRestCall(std::move(transport), std::move(base_url), std::move(tokens)));
}

}  // namespace ghl::contacts
