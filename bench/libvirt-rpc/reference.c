/*
 * The reference side of bench/libvirt-rpc: the same workloads through libvirt's own C library.
 * Usage: reference <uri> seq <seconds>
 *        reference <uri> par <seconds> <threads>
 *        reference <uri> list <seconds> <ndomains>
 *        reference <uri> upload <pool> <volume> <bytes> <chunk>
 * Prints one number: calls/s, lists/s or MiB/s.
 */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    virErrorPtr e = virGetLastError();
    fprintf(stderr, "%s: %s\n", what, e && e->message ? e->message : "unknown error");
    exit(1);
}

static void silent(void *opaque, virErrorPtr err) { (void)opaque; (void)err; }

static int one_call(virConnectPtr c) {
    char *h = virConnectGetHostname(c);
    if (!h) return -1;
    free(h);
    return 0;
}

struct worker { virConnectPtr c; double until; long n; };

static void *work(void *arg) {
    struct worker *w = arg;
    while (now() < w->until) {
        if (one_call(w->c) < 0) die("virConnectGetHostname");
        w->n++;
    }
    return NULL;
}

static double run_par(virConnectPtr c, double secs, int threads) {
    pthread_t t[64];
    struct worker w[64];
    double start = now();
    for (int i = 0; i < threads; i++) {
        w[i].c = c; w[i].until = start + secs; w[i].n = 0;
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += w[i].n; }
    return total / (now() - start);
}

static double run_list(virConnectPtr c, double secs, int ndomains) {
    char xml[512];
    for (int i = 0; i < ndomains; i++) {
        snprintf(xml, sizeof xml,
                 "<domain type='test'><name>corral-bench-%d</name><memory>65536</memory>"
                 "<os><type>hvm</type></os></domain>", i);
        virDomainPtr d = virDomainDefineXML(c, xml);
        if (!d) die("virDomainDefineXML");
        virDomainFree(d);
    }
    double start = now(), end = start + secs;
    long n = 0;
    while (now() < end) {
        virDomainPtr *doms = NULL;
        int k = virConnectListAllDomains(c, &doms, 0);
        if (k < ndomains) die("virConnectListAllDomains");
        for (int i = 0; i < k; i++) virDomainFree(doms[i]);
        free(doms);
        n++;
    }
    return n / (now() - start);
}

static double run_upload(virConnectPtr c, const char *pool, const char *vol, long bytes, long chunk) {
    virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
    if (!p) die("virStoragePoolLookupByName");
    virStorageVolPtr v = virStorageVolLookupByName(p, vol);
    if (!v) die("virStorageVolLookupByName");
    char *buf = malloc(chunk);
    for (long i = 0; i < chunk; i++) buf[i] = (char)(i * 7 + 3);
    double start = now();
    virStreamPtr st = virStreamNew(c, 0);
    if (virStorageVolUpload(v, st, 0, bytes, 0) < 0) die("virStorageVolUpload");
    for (long off = 0; off < bytes;) {
        long n = bytes - off < chunk ? bytes - off : chunk;
        int got = virStreamSend(st, buf, n);
        if (got < 0) die("virStreamSend");
        off += got;
    }
    if (virStreamFinish(st) < 0) die("virStreamFinish");
    double secs = now() - start;
    virStreamFree(st);
    virStorageVolFree(v);
    virStoragePoolFree(p);
    free(buf);
    return bytes / 1048576.0 / secs;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: reference <uri> <mode> ...\n"); return 2; }
    virSetErrorFunc(NULL, silent);
    virConnectPtr c = virConnectOpen(argv[1]);
    if (!c) die("virConnectOpen");
    const char *mode = argv[2];
    double r;
    if (!strcmp(mode, "seq")) {
        r = run_par(c, atof(argv[3]), 1);
    } else if (!strcmp(mode, "par") && argc >= 5) {
        r = run_par(c, atof(argv[3]), atoi(argv[4]));
    } else if (!strcmp(mode, "list") && argc >= 5) {
        r = run_list(c, atof(argv[3]), atoi(argv[4]));
    } else if (!strcmp(mode, "upload") && argc >= 7) {
        r = run_upload(c, argv[3], argv[4], atol(argv[5]), atol(argv[6]));
    } else {
        fprintf(stderr, "bad mode %s\n", mode);
        return 2;
    }
    printf("%.3f\n", r);
    virConnectClose(c);
    return 0;
}
