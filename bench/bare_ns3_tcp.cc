// bare_ns3_tcp: the "bare ns-3" reference of issue 11 for teepsim's full (HTTP/TCP) transport.
// The same network teepsim builds for a fleet (teepsim::topology: device nodes under access
// routers of fan-out 64, point-to-point links with the class's latency and rate, tree routing),
// and on it, per device and per interval, one plain ns-3 TCP connection to the TAM's node that
// carries the byte counts of a steady-state TEEP session over HTTP (bench/scale_scenario.yaml,
// read from a pcap of teepsim): three request/response exchanges, the second answered only after
// the TAM node made one exchange of its own with the Verifier's node. No TEEP, no HTTP, no CBOR:
// the requests and answers are zero bytes of the right length.
//
// It runs each (fleet size, horizon) pair in a child process (fork) so that each has its own
// peak RSS and CPU time (wait4), and prints per fleet size the marginal CPU per session (two
// horizons) and, between two fleet sizes, the marginal memory per device: the figures to set
// against `bench/scale.sh -t tcp` (bench/README.md).
//
//   build/bare_ns3_tcp [--sizes=1000,10000] [--horizons=1h,3h] [--interval=1h]
//                      [--latency=20ms] [--bandwidth=10Mbps] [--single]
//   --single: one child per size at the first horizon only (memory only).
#include "teepsim/http-tcp-transport.h"
#include "teepsim/sim/topology.h"

#include "ns3/application.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

using namespace ns3;

namespace
{

struct Exchange
{
    uint32_t request;
    uint32_t response;
};

// HTTP bytes of one steady-state TEEP session of bench/scale_scenario.yaml on the full transport
// (TCP payload sizes in a pcap of teepsim at 3fdcd76): empty POST -> QueryRequest, QueryResponse
// -> Update, Success -> 204; the TAM asks the Verifier during the second exchange.
constexpr std::array<Exchange, 3> kSession{{{93, 353}, {806, 640}, {254, 27}}};
constexpr Exchange kVerifierCall{564, 488};
constexpr uint32_t kVerifierDuring = 1; // which device exchange waits for the Verifier
constexpr uint16_t kTamPort = 8080;
constexpr uint16_t kVerifierPort = 8081;

uint64_t g_sessions = 0; // sessions whose last answer reached the device

/// Reads everything available; returns the byte count.
uint32_t Drain(Ptr<Socket> socket)
{
    uint32_t n = 0;
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        n += p->GetSize();
    }
    return n;
}

/// A device: every interval, one connection to the TAM's node with the session's exchanges.
class DeviceApp : public Application
{
  public:
    DeviceApp(Address tam, Time phase, Time interval)
        : m_tam(tam), m_phase(phase), m_interval(interval)
    {
    }

  private:
    void StartApplication() override { Simulator::Schedule(m_phase, &DeviceApp::Open, this); }
    void StopApplication() override {}

    void Open()
    {
        Simulator::Schedule(m_interval, &DeviceApp::Open, this);
        if (m_socket)
        {
            return; // the previous session is still running (never at these sizes)
        }
        m_socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_socket->Bind();
        m_socket->SetConnectCallback(MakeCallback(&DeviceApp::Connected, this),
                                     MakeNullCallback<void, Ptr<Socket>>());
        m_socket->SetRecvCallback(MakeCallback(&DeviceApp::Read, this));
        m_socket->Connect(m_tam);
        m_step = 0;
        m_got = 0;
    }

    void Connected(Ptr<Socket> socket) { socket->Send(Create<Packet>(kSession[0].request)); }

    void Read(Ptr<Socket> socket)
    {
        m_got += Drain(socket);
        if (m_got < kSession[m_step].response)
        {
            return;
        }
        m_got = 0;
        if (++m_step < kSession.size())
        {
            socket->Send(Create<Packet>(kSession[m_step].request));
            return;
        }
        ++g_sessions;
        socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        socket->Close(); // the device closes first, as teepsim's client does
        m_socket = nullptr;
    }

    Address m_tam;
    Time m_phase;
    Time m_interval;
    Ptr<Socket> m_socket;
    uint32_t m_step = 0;
    uint32_t m_got = 0;
};

/// A listener that answers each request of a connection once its bytes are in; the TAM node
/// (script kSession, service time, Verifier call) or the Verifier node (one exchange).
class ServerApp : public Application
{
  public:
    ServerApp(uint16_t port, bool tam, Address verifier, Time serviceTime)
        : m_port(port), m_tam(tam), m_verifier(verifier), m_serviceTime(serviceTime)
    {
    }

  private:
    struct Conn
    {
        uint32_t step = 0;
        uint32_t got = 0;
    };

    void StartApplication() override
    {
        m_listener = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port));
        m_listener->Listen();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeCallback(&ServerApp::Accept, this));
    }
    void StopApplication() override {}

    uint32_t RequestSize(const Conn& c) const
    {
        return m_tam ? kSession[c.step].request : kVerifierCall.request;
    }

    void Accept(Ptr<Socket> socket, const Address&)
    {
        m_conns.emplace(PeekPointer(socket), Conn{});
        socket->SetRecvCallback(MakeCallback(&ServerApp::Read, this));
        socket->SetCloseCallbacks(MakeCallback(&ServerApp::Closed, this),
                                  MakeCallback(&ServerApp::Closed, this));
    }

    void Read(Ptr<Socket> socket)
    {
        auto it = m_conns.find(PeekPointer(socket));
        const uint32_t n = Drain(socket);
        if (it == m_conns.end())
        {
            return;
        }
        Conn& c = it->second;
        c.got += n;
        if (c.got < RequestSize(c))
        {
            return;
        }
        c.got = 0;
        if (!m_tam)
        {
            socket->Send(Create<Packet>(kVerifierCall.response));
            return;
        }
        Simulator::Schedule(m_serviceTime, &ServerApp::Serve, this, socket);
    }

    void Serve(Ptr<Socket> socket)
    {
        auto it = m_conns.find(PeekPointer(socket));
        if (it == m_conns.end())
        {
            return;
        }
        if (it->second.step == kVerifierDuring)
        {
            AskVerifier(socket);
            return;
        }
        Answer(socket);
    }

    void Answer(Ptr<Socket> socket)
    {
        auto it = m_conns.find(PeekPointer(socket));
        if (it == m_conns.end())
        {
            return;
        }
        socket->Send(Create<Packet>(kSession[it->second.step].response));
        ++it->second.step;
    }

    /// One connection to the Verifier per call, closed after its answer (as teepsim's TAM).
    void AskVerifier(Ptr<Socket> device)
    {
        Ptr<Socket> s = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        s->Bind();
        m_calls.emplace(PeekPointer(s), Call{device, 0});
        s->SetConnectCallback(MakeCallback(&ServerApp::CallConnected, this),
                              MakeNullCallback<void, Ptr<Socket>>());
        s->SetRecvCallback(MakeCallback(&ServerApp::CallRead, this));
        s->Connect(m_verifier);
    }

    void CallConnected(Ptr<Socket> s) { s->Send(Create<Packet>(kVerifierCall.request)); }

    void CallRead(Ptr<Socket> s)
    {
        auto it = m_calls.find(PeekPointer(s));
        const uint32_t n = Drain(s);
        if (it == m_calls.end())
        {
            return;
        }
        it->second.got += n;
        if (it->second.got < kVerifierCall.response)
        {
            return;
        }
        Ptr<Socket> device = it->second.device;
        m_calls.erase(it);
        s->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        s->Close();
        Answer(device);
    }

    void Closed(Ptr<Socket> socket)
    {
        if (m_conns.erase(PeekPointer(socket)) > 0)
        {
            socket->Close();
        }
    }

    struct Call
    {
        Ptr<Socket> device;
        uint32_t got = 0;
    };

    uint16_t m_port;
    bool m_tam;
    Address m_verifier;
    Time m_serviceTime;
    Ptr<Socket> m_listener;
    std::unordered_map<Socket*, Conn> m_conns; // accepted connections
    std::unordered_map<Socket*, Call> m_calls; // open Verifier calls
};

struct Point
{
    uint64_t sessions = 0;
    uint64_t events = 0;
    double cpuSeconds = 0;
    double rssKib = 0;
};

struct Options
{
    Time interval = Hours(1);
    Time latency = MilliSeconds(20);
    uint64_t bandwidthBps = 10'000'000;
    Time serviceTime = MilliSeconds(2);
};

/// One simulation, in the calling (child) process: returns sessions and events.
Point Simulate(uint32_t devices, Time horizon, const Options& o)
{
    // teepsim's transport sets these on its sockets (http-tcp-common): the same packets per
    // byte, and the same window options in the SYNs (the receive buffer decides the window
    // scale, so the bytes on the wire differ without it).
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(HttpTcpSizing::kSegmentSize));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(HttpTcpSizing::kSendBufferSize));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize",
                       UintegerValue(HttpTcpSizing::kReceiveBufferSize));
    teepsim::topology::TopologyParams params;
    params.classes.push_back(
        {"devices", devices, teepsim::topology::MakeLink(o.latency, o.bandwidthBps)});
    teepsim::topology::Network net =
        teepsim::topology::BuildNetwork(teepsim::topology::BuildGraph(params), 0);

    const Address tam = InetSocketAddress(net.tamAddresses[0], kTamPort);
    const Address verifier = InetSocketAddress(net.verifierAddress, kVerifierPort);
    auto tamApp = CreateObject<ServerApp>(kTamPort, true, verifier, o.serviceTime);
    net.tams.Get(0)->AddApplication(tamApp);
    auto verifierApp = CreateObject<ServerApp>(kVerifierPort, false, Address(), Time(0));
    net.verifier->AddApplication(verifierApp);
    for (uint32_t i = 0; i < devices; ++i)
    {
        // Evenly spread phases (teepsim's equilibrium start draws them uniformly).
        const Time phase = NanoSeconds(o.interval.GetNanoSeconds() / devices * i);
        net.devices.Get(i)->AddApplication(CreateObject<DeviceApp>(tam, phase, o.interval));
    }
    Simulator::Stop(horizon);
    Simulator::Run();
    Point p;
    p.sessions = g_sessions;
    p.events = Simulator::GetEventCount();
    return p;
}

/// Runs Simulate in a child; its CPU time and peak RSS come from wait4.
Point RunChild(uint32_t devices, Time horizon, const Options& o)
{
    int fds[2];
    if (pipe(fds) != 0)
    {
        std::perror("bare_ns3_tcp: pipe");
        std::exit(1);
    }
    const pid_t pid = fork();
    if (pid < 0)
    {
        std::perror("bare_ns3_tcp: fork");
        std::exit(1);
    }
    if (pid == 0)
    {
        close(fds[0]);
        const Point p = Simulate(devices, horizon, o);
        const std::string line = std::to_string(p.sessions) + " " + std::to_string(p.events);
        (void)!write(fds[1], line.data(), line.size());
        _exit(0); // no teardown: its cost is not part of the figures
    }
    close(fds[1]);
    std::string text;
    char buf[128];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
    {
        text.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    struct rusage ru
    {
    };
    wait4(pid, &status, 0, &ru);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty())
    {
        std::fprintf(stderr, "bare_ns3_tcp: the run with %u devices failed\n", devices);
        std::exit(1);
    }
    Point p;
    std::istringstream(text) >> p.sessions >> p.events;
    p.cpuSeconds = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
                   ru.ru_stime.tv_usec / 1e6;
    p.rssKib = static_cast<double>(ru.ru_maxrss);
    return p;
}

std::vector<std::string> Split(const std::string& s)
{
    std::vector<std::string> out;
    std::istringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
    {
        out.push_back(item);
    }
    return out;
}

/// "90s", "20ms", "1h", "30min": a non-negative number and one of ms, s, min, h.
Time ParseTime(const std::string& s, const char* what)
{
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    const std::string unit = end ? end : "";
    double scale = 0;
    if (unit == "ms")
    {
        scale = 1e-3;
    }
    else if (unit == "s")
    {
        scale = 1;
    }
    else if (unit == "min")
    {
        scale = 60;
    }
    else if (unit == "h")
    {
        scale = 3600;
    }
    if (end == s.c_str() || scale == 0 || !(v >= 0))
    {
        std::fprintf(stderr, "bare_ns3_tcp: bad %s '%s' (e.g. 1h, 30min, 90s, 20ms)\n", what,
                     s.c_str());
        std::exit(2);
    }
    return Seconds(v * scale);
}

} // namespace

int main(int argc, char** argv)
{
    std::string sizes = "1000,10000";
    std::string horizons = "1h,3h";
    std::string interval = "1h";
    std::string latency = "20ms";
    std::string bandwidth = "10Mbps";
    bool single = false;
    CommandLine cmd(__FILE__);
    cmd.AddValue("sizes", "fleet sizes, comma-separated", sizes);
    cmd.AddValue("horizons", "two simulated horizons H1,H2 (H1 < H2)", horizons);
    cmd.AddValue("interval", "time between a device's sessions", interval);
    cmd.AddValue("latency", "device link one-way delay", latency);
    cmd.AddValue("bandwidth", "device link rate", bandwidth);
    cmd.AddValue("single", "one run per size at the first horizon (memory only)", single);
    cmd.Parse(argc, argv);

    Options o;
    o.interval = ParseTime(interval, "interval");
    o.latency = ParseTime(latency, "latency");
    DataRate rate;
    std::istringstream rateText(bandwidth);
    if (!(rateText >> rate) || rate.GetBitRate() == 0)
    {
        std::fprintf(stderr, "bare_ns3_tcp: bad bandwidth '%s' (e.g. 10Mbps)\n", bandwidth.c_str());
        return 2;
    }
    o.bandwidthBps = rate.GetBitRate();
    const std::vector<std::string> hs = Split(horizons);
    if (hs.size() != 2)
    {
        std::fprintf(stderr, "bare_ns3_tcp: --horizons takes two values, e.g. 1h,3h\n");
        return 2;
    }
    const Time h1 = ParseTime(hs[0], "horizon");
    const Time h2 = ParseTime(hs[1], "horizon");
    if (!(h1 < h2) || o.interval.IsZero())
    {
        std::fprintf(stderr, "bare_ns3_tcp: need H1 < H2 and a positive interval\n");
        return 2;
    }
    std::vector<uint32_t> ns;
    for (const std::string& s : Split(sizes))
    {
        char* end = nullptr;
        const unsigned long v = std::strtoul(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || v == 0 || v > 4'000'000)
        {
            std::fprintf(stderr, "bare_ns3_tcp: bad fleet size '%s'\n", s.c_str());
            return 2;
        }
        ns.push_back(static_cast<uint32_t>(v));
    }

    std::printf("# bare ns-3 TCP request/response: teepsim's topology, %zu exchanges + 1 "
                "Verifier call per session, interval %s, device link %s %s\n",
                kSession.size(), interval.c_str(), latency.c_str(), bandwidth.c_str());
    std::printf("%8s %9s %9s %8s %8s %11s %11s %12s %8s %8s\n", "devices", "sess_H1", "sess_H2",
                "cpu_H1_s", "cpu_H2_s", "us/session", "events/sess", "setup_us/dev", "RSS_MiB",
                "KiB/dev");
    std::fflush(stdout);
    std::vector<std::pair<uint32_t, double>> rss; // (devices, peak RSS KiB of the H1 run)
    for (uint32_t n : ns)
    {
        const Point a = RunChild(n, h1, o);
        if (single)
        {
            std::printf("%8u %9lu %9s %8.2f %8s %11s %11s %12s %8.1f %8.2f\n", n,
                        static_cast<unsigned long>(a.sessions), "-", a.cpuSeconds, "-", "-", "-",
                        "-", a.rssKib / 1024, a.rssKib / n);
            rss.emplace_back(n, a.rssKib);
            std::fflush(stdout);
            continue;
        }
        const Point b = RunChild(n, h2, o);
        const double ds = static_cast<double>(b.sessions) - static_cast<double>(a.sessions);
        const double us = ds > 0 ? (b.cpuSeconds - a.cpuSeconds) / ds * 1e6 : 0;
        const double ev = ds > 0 ? (static_cast<double>(b.events) - a.events) / ds : 0;
        const double setup = (a.cpuSeconds - a.sessions * us / 1e6) / n * 1e6;
        std::printf("%8u %9lu %9lu %8.2f %8.2f %11.1f %11.1f %12.1f %8.1f %8.2f\n", n,
                    static_cast<unsigned long>(a.sessions), static_cast<unsigned long>(b.sessions),
                    a.cpuSeconds, b.cpuSeconds, us, ev, setup, b.rssKib / 1024, b.rssKib / n);
        rss.emplace_back(n, b.rssKib);
        std::fflush(stdout);
    }
    for (size_t i = 1; i < rss.size(); ++i)
    {
        const auto [na, ra] = rss[i - 1];
        const auto [nb, rb] = rss[i];
        std::printf("# marginal %u -> %u devices: memory %.2f KiB/device\n", na, nb,
                    (rb - ra) / (static_cast<double>(nb) - na));
    }
    return 0;
}
