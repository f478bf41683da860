// plain_des: the "plain discrete-event model" reference of issue 11, what a researcher would
// hack instead of teepsim: no network, no codec, no crypto, one binary-heap event queue
// (std::priority_queue) and a small struct per device. Each device checks in every interval
// (evenly spread phases) with the session structure and timings of a steady-state TEEP session
// of bench/scale_scenario.yaml on the message transport: three request/answer exchanges with
// the TAM, whose pool of workers serves each request in the service time (FIFO queue when all
// are busy), the second answered after a call to the Verifier; every message takes the path's
// delay plus its size at the bottleneck rate.
//
// For each fleet size it runs two horizons in this process and prints the marginal CPU per
// session (thread CPU time, set-up subtracted), events per session and the bytes per device
// its data structures hold (state + the heap's capacity; no process overhead).
//
//   build/plain_des [sizes...]          # default 1000 10000 100000 1000000
//   build/plain_des -H 1h,3h 10000      # horizons in hours: -H 1,3
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <queue>
#include <string>
#include <vector>

namespace
{

using Ns = int64_t;
constexpr Ns kMs = 1'000'000;
constexpr Ns kHour = 3'600'000 * kMs;

// The same sizes and links as bare_ns3_tcp and bench/scale_scenario.yaml: device link 20 ms
// and 10 Mbit/s, router links 2 ms, server links 1 ms (10 Gbit/s: size time negligible).
struct Message
{
    uint32_t request;
    uint32_t response;
};
constexpr std::array<Message, 3> kSession{{{93, 353}, {806, 640}, {254, 27}}};
constexpr Message kVerifierCall{564, 488};
constexpr uint32_t kVerifierDuring = 1;
constexpr Ns kDevicePathDelay = 20 * kMs + 2 * kMs + 1 * kMs; // device, access-core, core-TAM
constexpr Ns kVerifierPathDelay = 1 * kMs + 1 * kMs;          // TAM-core, core-Verifier
constexpr uint64_t kDeviceBps = 10'000'000;
constexpr Ns kServiceTime = 2 * kMs;
constexpr uint32_t kWorkers = 64;

Ns DeviceDelay(uint32_t bytes)
{
    return kDevicePathDelay + static_cast<Ns>(bytes) * 8 * 1'000'000'000 / kDeviceBps;
}

enum class Kind : uint8_t
{
    Check,          // the device starts a session
    RequestAtTam,   // request m_step reaches the TAM
    ServiceDone,    // a worker finished request m_step
    VerifierAnswer, // the Verifier's answer reaches the TAM
    AnswerAtDevice, // the TAM's answer to request m_step reaches the device
};

struct Event
{
    Ns time;
    uint64_t seq; // FIFO among equal times: deterministic
    uint32_t device;
    Kind kind;
    bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

struct Device
{
    uint8_t step = 0; // exchange in progress
};

class Model
{
  public:
    explicit Model(uint32_t devices) : m_devices(devices)
    {
        for (uint32_t i = 0; i < devices; ++i)
        {
            Schedule(kHour / devices * i, i, Kind::Check);
        }
    }

    void Run(Ns horizon)
    {
        while (!m_queue.empty() && m_queue.top().time <= horizon)
        {
            const Event e = m_queue.top();
            m_queue.pop();
            m_now = e.time;
            ++m_events;
            Handle(e);
        }
    }

    uint64_t Sessions() const { return m_sessions; }
    uint64_t Events() const { return m_events; }
    std::size_t Bytes() const
    {
        // std::priority_queue's vector grows geometrically; its capacity is not visible, so
        // count the peak size (a lower bound, within 2x).
        return m_devices.capacity() * sizeof(Device) + m_peakQueue * sizeof(Event) +
               m_waiting.size() * sizeof(uint32_t);
    }

  private:
    void Schedule(Ns at, uint32_t device, Kind kind)
    {
        m_queue.push(Event{at, m_seq++, device, kind});
        m_peakQueue = std::max(m_peakQueue, m_queue.size());
    }

    void Handle(const Event& e)
    {
        Device& d = m_devices[e.device];
        switch (e.kind)
        {
            case Kind::Check:
                Schedule(m_now + kHour, e.device, Kind::Check);
                d.step = 0;
                Schedule(m_now + DeviceDelay(kSession[0].request), e.device, Kind::RequestAtTam);
                break;
            case Kind::RequestAtTam:
                if (m_busy < kWorkers)
                {
                    ++m_busy;
                    Schedule(m_now + kServiceTime, e.device, Kind::ServiceDone);
                }
                else
                {
                    m_waiting.push_back(e.device);
                }
                break;
            case Kind::ServiceDone:
                if (m_waiting.empty())
                {
                    --m_busy;
                }
                else
                {
                    Schedule(m_now + kServiceTime, m_waiting.front(), Kind::ServiceDone);
                    m_waiting.pop_front();
                }
                if (d.step == kVerifierDuring)
                {
                    // The Verifier answers at once; the call is one round trip on server links.
                    Schedule(m_now + 2 * kVerifierPathDelay, e.device, Kind::VerifierAnswer);
                }
                else
                {
                    Schedule(m_now + DeviceDelay(kSession[d.step].response), e.device,
                             Kind::AnswerAtDevice);
                }
                break;
            case Kind::VerifierAnswer:
                Schedule(m_now + DeviceDelay(kSession[d.step].response), e.device,
                         Kind::AnswerAtDevice);
                break;
            case Kind::AnswerAtDevice:
                if (++d.step < kSession.size())
                {
                    Schedule(m_now + DeviceDelay(kSession[d.step].request), e.device,
                             Kind::RequestAtTam);
                }
                else
                {
                    ++m_sessions;
                }
                break;
        }
    }

    std::vector<Device> m_devices;
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> m_queue;
    std::deque<uint32_t> m_waiting;
    uint32_t m_busy = 0;
    Ns m_now = 0;
    uint64_t m_seq = 0;
    uint64_t m_events = 0;
    uint64_t m_sessions = 0;
    std::size_t m_peakQueue = 0;
};

double CpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Point
{
    double cpu;
    uint64_t sessions;
    uint64_t events;
    std::size_t bytes;
};

Point Measure(uint32_t devices, Ns horizon)
{
    const double start = CpuSeconds();
    Model m(devices);
    m.Run(horizon);
    return Point{CpuSeconds() - start, m.Sessions(), m.Events(), m.Bytes()};
}

void Usage()
{
    std::fprintf(stderr, "usage: plain_des [-H H1,H2 (hours)] [devices...]\n");
}

} // namespace

int main(int argc, char** argv)
{
    double h1 = 1;
    double h2 = 3;
    std::vector<uint32_t> sizes;
    for (int i = 1; i < argc; ++i)
    {
        const std::string a = argv[i];
        if (a == "-H" && i + 1 < argc)
        {
            if (std::sscanf(argv[++i], "%lf,%lf", &h1, &h2) != 2 || !(0 < h1 && h1 < h2))
            {
                std::fprintf(stderr, "plain_des: -H takes two horizons in hours, H1 < H2: '%s'\n",
                             argv[i]);
                return 2;
            }
            continue;
        }
        char* end = nullptr;
        const unsigned long v = std::strtoul(a.c_str(), &end, 10);
        if (a.empty() || *end != '\0' || v == 0 || v > 100'000'000)
        {
            std::fprintf(stderr, "plain_des: bad argument or fleet size '%s'\n", a.c_str());
            Usage();
            return 2;
        }
        sizes.push_back(static_cast<uint32_t>(v));
    }
    if (sizes.empty())
    {
        sizes = {1000, 10000, 100000, 1000000};
    }
    std::printf("# plain DES (binary heap, no network/codec): %zu exchanges + 1 Verifier call "
                "per session, hourly, horizons %gh %gh\n",
                kSession.size(), h1, h2);
    std::printf("%8s %9s %9s %8s %8s %11s %11s %12s %9s\n", "devices", "sess_H1", "sess_H2",
                "cpu_H1_s", "cpu_H2_s", "us/session", "events/sess", "setup_us/dev", "B/dev");
    for (uint32_t n : sizes)
    {
        const Point a = Measure(n, static_cast<Ns>(h1 * kHour));
        const Point b = Measure(n, static_cast<Ns>(h2 * kHour));
        const double ds = static_cast<double>(b.sessions - a.sessions);
        const double us = ds > 0 ? (b.cpu - a.cpu) / ds * 1e6 : 0;
        const double ev = ds > 0 ? static_cast<double>(b.events - a.events) / ds : 0;
        const double setup = (a.cpu - static_cast<double>(a.sessions) * us / 1e6) / n * 1e6;
        std::printf("%8u %9lu %9lu %8.3f %8.3f %11.3f %11.1f %12.3f %9.1f\n", n,
                    static_cast<unsigned long>(a.sessions), static_cast<unsigned long>(b.sessions),
                    a.cpu, b.cpu, us, ev, setup, static_cast<double>(b.bytes) / n);
        std::fflush(stdout);
    }
    return 0;
}
