// The "TamServer" log component, shared by the source files of the TamServer class
// (tam-server.cc, tam-session.cc, tam-verifier-client.cc, tam-update.cc): NS_LOG=TamServer still
// covers the whole class. ns-3 registers a component name once, so the files cannot each
// NS_LOG_COMPONENT_DEFINE it; GetLogComponent at static initialization would depend on the
// order the files are initialised in.
#pragma once

#include "ns3/log.h"

namespace ns3
{

/// The TamServer's log component (created on first use).
LogComponent& TamServerLogComponent();

} // namespace ns3

/// The g_log the NS_LOG macros use, bound to TamServerLogComponent(), at namespace ns3 scope.
#define TAM_SERVER_LOG_COMPONENT                                                                   \
    [[maybe_unused]] static ns3::LogComponent& g_log = ns3::TamServerLogComponent()
