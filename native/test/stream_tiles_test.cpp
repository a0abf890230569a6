// kernels::for_each_stream_tile: every block of the range in exactly one tile,
// each stream a run of consecutive blocks, `next` naming the block the stream
// reads in the following tile, heads marked prefetched after the first tile.
#include <gtest/gtest.h>

#include <vector>

#include "kernels/stream_prefetch.h"

using jao::kernels::for_each_stream_tile;
using jao::kernels::TileBlocks;

namespace {

template <int S>
void check_walk(int64_t b0, int64_t nb) {
    SCOPED_TRACE(::testing::Message() << S << " streams, blocks [" << b0 << ", " << b0 + nb << ")");
    std::vector<int> hits(static_cast<size_t>(nb), 0);
    std::vector<TileBlocks> tiles;
    std::vector<int> widths;
    for_each_stream_tile<S>(b0, nb, [&](int streams, const TileBlocks& t) {
        tiles.push_back(t);
        widths.push_back(streams);
    });
    for (size_t i = 0; i < tiles.size(); ++i) {
        const TileBlocks& t = tiles[i];
        const int w = widths[i];
        ASSERT_GE(w, 1);
        ASSERT_LE(w, S);
        EXPECT_EQ(t.heads_prefetched, i > 0);
        if (i > 0) {
            EXPECT_LE(w, widths[i - 1]);  // streams only end, longest first
        }
        for (int j = 0; j < w; ++j) {
            ASSERT_GE(t.at[j], b0);
            ASSERT_LT(t.at[j], b0 + nb);
            ++hits[static_cast<size_t>(t.at[j] - b0)];
            if (i > 0) {
                EXPECT_EQ(tiles[i - 1].next[j], t.at[j]);  // announced by the tile before
            }
            if (t.next[j] >= 0) {
                EXPECT_EQ(t.next[j], t.at[j] + 1);  // the stream's next block follows in memory
                ASSERT_LT(i + 1, tiles.size());
                EXPECT_LT(j, widths[i + 1]);
            } else if (i + 1 < tiles.size()) {
                EXPECT_GE(j, widths[i + 1]);  // a stream that ends is not in the next tile
            }
        }
    }
    for (int64_t b = 0; b < nb; ++b) EXPECT_EQ(hits[static_cast<size_t>(b)], 1) << "block " << b0 + b;
    // Streams differ in length by at most one block: as many tiles as the longest.
    EXPECT_EQ(static_cast<int64_t>(tiles.size()), nb == 0 ? 0 : (nb + S - 1) / S);
}

}  // namespace

TEST(StreamTiles, EveryBlockOnceInStreamsOfConsecutiveBlocks) {
    for (int64_t b0 : {0, 5, 688})
        for (int64_t nb : {0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 688}) {
            check_walk<1>(b0, nb);
            check_walk<2>(b0, nb);
            check_walk<4>(b0, nb);
        }
}
