// A small C interface over FAISS's C++ API (Debian's libfaiss-dev ships the
// library and the C API's headers, but not the C API's compiled code), for
// approximate nearest-neighbour search over a corpus index's vectors.
#ifndef BERTSCOPE_CFAISS_H
#define BERTSCOPE_CFAISS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bs_ann bs_ann;

// A new index of d-dimensional vectors compared by inner product (cosine on
// unit vectors), described as FAISS's index_factory takes it ("HNSW32,Flat",
// "IVF1024,Flat"). NULL on failure, with the reason in err.
bs_ann *bs_ann_new(int d, const char *description, char *err, size_t errlen);
// Reads an index written by bs_ann_write (NULL and err on failure).
bs_ann *bs_ann_read(const char *path, char *err, size_t errlen);
void bs_ann_free(bs_ann *a);

// 1 when the index needs training (IVF) and has not had it.
int bs_ann_needs_training(const bs_ann *a);
int bs_ann_dimension(const bs_ann *a);
int64_t bs_ann_count(const bs_ann *a);
// Each returns 0, or -1 with the reason in err.
int bs_ann_train(bs_ann *a, int64_t n, const float *x, char *err, size_t errlen);
int bs_ann_add(bs_ann *a, int64_t n, const float *x, char *err, size_t errlen);
// Search breadth: HNSW's efSearch or IVF's nprobe (whichever the index has).
int bs_ann_set_breadth(bs_ann *a, int breadth, char *err, size_t errlen);
// For each of nq queries, the k best (score, label) pairs, best first; label -1 where fewer exist.
int bs_ann_search(const bs_ann *a, int64_t nq, const float *q, int k, float *scores, int64_t *labels, char *err,
                  size_t errlen);
// Streams the index through `write` (which returns the bytes it took; fewer is an error):
// the caller writes a temporary file and renames it, never following a link at the path.
typedef size_t (*bs_ann_sink)(void *context, const void *bytes, size_t count);
int bs_ann_write(const bs_ann *a, bs_ann_sink write, void *context, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
