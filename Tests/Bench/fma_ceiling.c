// The host's FMA ceilings, one core: twelve independent accumulators in registers,
// AVX2 (8 lanes) and AVX-512 (16). gcc -O3 -o fma Tests/Bench/fma_ceiling.c && ./fma
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define BODY(T,FMA,SET,W) T b=SET(1.0001f),c=SET(0.0001f); T a0=SET(1),a1=SET(2),a2=SET(3),a3=SET(4),a4=SET(5),a5=SET(6),a6=SET(7),a7=SET(8),a8=SET(9),a9=SET(10),a10=SET(11),a11=SET(12); \
 double t=now(); for(long k=0;k<n;k++){a0=FMA(a0,b,c);a1=FMA(a1,b,c);a2=FMA(a2,b,c);a3=FMA(a3,b,c);a4=FMA(a4,b,c);a5=FMA(a5,b,c);a6=FMA(a6,b,c);a7=FMA(a7,b,c);a8=FMA(a8,b,c);a9=FMA(a9,b,c);a10=FMA(a10,b,c);a11=FMA(a11,b,c);} t=now()-t; \
 T s=a0+a1+a2+a3+a4+a5+a6+a7+a8+a9+a10+a11; float out[16]; memcpy(out,&s,sizeof(s)); if(out[0]==1234)printf("x"); return n*12.0*W*2/t/1e9;
#include <string.h>
__attribute__((target("avx2,fma"))) double f256(long n){BODY(__m256,_mm256_fmadd_ps,_mm256_set1_ps,8)}
__attribute__((target("avx512f"))) double f512(long n){BODY(__m512,_mm512_fmadd_ps,_mm512_set1_ps,16)}
int main(){printf("AVX2 FMA %.1f GFLOP/s, AVX-512 FMA %.1f GFLOP/s (one core, 12 accumulators in registers)\n",f256(300000000),f512(300000000));}
