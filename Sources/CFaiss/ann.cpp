// C++ exceptions never cross into Swift: every call catches and reports.
#include "CFaiss.h"

#include <faiss/AutoTune.h>
#include <faiss/Index.h>
#include <faiss/index_factory.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>

#include <cstring>
#include <exception>
#include <memory>

struct bs_ann {
    std::unique_ptr<faiss::Index> index;
};

static void say(char *err, size_t errlen, const char *what) {
    if (err && errlen > 0) {
        std::strncpy(err, what, errlen - 1);
        err[errlen - 1] = 0;
    }
}

template <typename F> static int guarded(char *err, size_t errlen, F body) {
    try {
        body();
        return 0;
    } catch (const std::exception &e) {
        say(err, errlen, e.what());
    } catch (...) {
        say(err, errlen, "unknown FAISS error");
    }
    return -1;
}

extern "C" {

bs_ann *bs_ann_new(int d, const char *description, char *err, size_t errlen) {
    bs_ann *out = nullptr;
    guarded(err, errlen, [&] {
        std::unique_ptr<faiss::Index> index(faiss::index_factory(d, description, faiss::METRIC_INNER_PRODUCT));
        out = new bs_ann{std::move(index)};
    });
    return out;
}

bs_ann *bs_ann_read(const char *path, char *err, size_t errlen) {
    bs_ann *out = nullptr;
    guarded(err, errlen, [&] {
        std::unique_ptr<faiss::Index> index(faiss::read_index(path));
        out = new bs_ann{std::move(index)};
    });
    return out;
}

void bs_ann_free(bs_ann *a) { delete a; }

int bs_ann_needs_training(const bs_ann *a) { return a->index->is_trained ? 0 : 1; }
int bs_ann_dimension(const bs_ann *a) { return (int)a->index->d; }
int64_t bs_ann_count(const bs_ann *a) { return (int64_t)a->index->ntotal; }

int bs_ann_train(bs_ann *a, int64_t n, const float *x, char *err, size_t errlen) {
    return guarded(err, errlen, [&] { a->index->train((faiss::Index::idx_t)n, x); });
}

int bs_ann_add(bs_ann *a, int64_t n, const float *x, char *err, size_t errlen) {
    return guarded(err, errlen, [&] { a->index->add((faiss::Index::idx_t)n, x); });
}

int bs_ann_set_breadth(bs_ann *a, int breadth, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        // Through ParameterSpace, not the index classes: HNSW.h needs omp.h, which Swift's clang lacks.
        faiss::ParameterSpace space;
        try {
            space.set_index_parameter(a->index.get(), "efSearch", breadth);
        } catch (const std::exception &) {
            space.set_index_parameter(a->index.get(), "nprobe", breadth);
        }
    });
}

int bs_ann_search(const bs_ann *a, int64_t nq, const float *q, int k, float *scores, int64_t *labels, char *err,
                  size_t errlen) {
    return guarded(err, errlen, [&] {
        a->index->search((faiss::Index::idx_t)nq, q, (faiss::Index::idx_t)k, scores, reinterpret_cast<faiss::Index::idx_t *>(labels));
    });
}

namespace {
struct SinkWriter : faiss::IOWriter {
    bs_ann_sink write;
    void *context;
    SinkWriter(bs_ann_sink w, void *c) : write(w), context(c) { name = "bertscope sink"; }
    size_t operator()(const void *ptr, size_t size, size_t nitems) override {
        if (size == 0 || nitems == 0) return 0;
        return write(context, ptr, size * nitems) == size * nitems ? nitems : 0;
    }
};
}  // namespace

int bs_ann_write(const bs_ann *a, bs_ann_sink write, void *context, char *err, size_t errlen) {
    return guarded(err, errlen, [&] {
        SinkWriter writer(write, context);
        faiss::write_index(a->index.get(), &writer);
    });
}
}
