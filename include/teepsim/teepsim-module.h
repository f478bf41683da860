// The TEEP models as one ns-3 module header (the ns-3 `<name>-module.h` convention): a program
// that includes this sees every public model class, the transports and the helpers.
//   #include "teepsim/teepsim-module.h"
// Link teepsim::models (CMake) or `pkg-config --libs teepsim-models`. New public model headers
// belong here too (tests/install/consumer_test.sh checks that none is left out).
#pragma once

#include "teepsim/authorization-status.h"
#include "teepsim/fixed-key.h"
#include "teepsim/freshness-policy.h"
#include "teepsim/http-framing.h"
#include "teepsim/http-tcp-transport.h"
#include "teepsim/lazy-trace-source.h"
#include "teepsim/lazy-uniform.h"
#include "teepsim/link-profile.h"
#include "teepsim/message-transport.h"
#include "teepsim/policy-check.h"
#include "teepsim/relying-party.h"
#include "teepsim/ta-catalog.h"
#include "teepsim/tam-server.h"
#include "teepsim/tam-worker-queue.h"
#include "teepsim/teep-agent.h"
#include "teepsim/teep-broker.h"
#include "teepsim/teep-helpers.h"
#include "teepsim/teep-keys.h"
#include "teepsim/teep-session-driver.h"
#include "teepsim/teep-tee-session-driver.h"
#include "teepsim/teep-trace.h"
#include "teepsim/teep-transport.h"
#include "teepsim/tree-routing.h"
#include "teepsim/verifier.h"

/// \namespace ns3
/// ns-3's namespace: the TEEP models are ns-3 models (TypeIds "ns3::teepsim::<class>").
