// One-file program built with `pkg-config --cflags --libs teepsim` (codec only, no ns-3):
// decodes the TEEP message in argv[1] and prints its type (tests/install/consumer_test.sh).
#include "teepsim/codec/teep.h"

#include <fstream>
#include <iostream>
#include <iterator>

int main(int argc, char** argv)
{
    if (argc != 2)
    {
        std::cerr << "usage: codec_pkgconfig MESSAGE.cbor\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in)
    {
        std::cerr << "codec_pkgconfig: cannot open " << argv[1] << "\n";
        return 2;
    }
    const teepsim::cbor::Bytes bytes{std::istreambuf_iterator<char>(in), {}};
    const auto msg = teepsim::teep::Decode(bytes);
    if (!msg)
    {
        std::cerr << "codec_pkgconfig: " << argv[1] << ": " << msg.error().ToString() << "\n";
        return 1;
    }
    std::cout << "codec: " << teepsim::teep::ToString(teepsim::teep::TypeOf(*msg)) << "\n";
    return 0;
}
