//! Fast generation of RSA-2048 keys for Sprig's genCA, genSelfSignedCert
//! and genSignedCert.
//!
//! The rsa crate finds primes with crypto-bigint and crypto-primes, whose
//! arithmetic is constant-time: right for keys that must resist timing
//! attacks, but a 2048-bit key then costs tens of milliseconds of CPU, and a
//! chart that issues certificates asks for several. A template's keys are
//! printed into the manifests it renders, so hiding timing gains nothing
//! there. This module searches for the two 1024-bit primes with
//! variable-time arithmetic instead:
//!
//! - Montgomery arithmetic on fixed-width limb arrays ([`Monty`]), with a
//!   dedicated squaring and, for base 2, exponentiation by squarings and
//!   doublings only;
//! - candidates are random 1024-bit odd numbers with the top two bits set
//!   (so that p·q has exactly 2048 bits, as Go's crypto/rsa does), searched
//!   upwards in steps of 2 through a window sieved by the odd primes below
//!   [`SIEVE_LIMIT`];
//! - a survivor must pass a strong (Miller-Rabin) test to base 2, then
//!   Miller-Rabin rounds with uniformly random bases in [2, n - 2]: eight
//!   ([`BATCH`]) with AVX-512 IFMA, [`RANDOM_BASE_ROUNDS`] = 5 without.
//!   That is more than Go's crypto/rsa, which Helm's genCA and the others
//!   call, asks of a prime: its `isPrime` (crypto/internal/fips140/rsa/
//!   keygen.go) confirms a 1024-bit candidate with 5 random-base rounds and
//!   no Lucas test, following FIPS 186-5 Appendix B.3.1 and BoringSSL's
//!   table of rounds for randomly chosen candidates, where a composite
//!   passes with negligible probability (the 1/4 per round bound is for
//!   adversarial inputs). We add the base-2 test on top;
//! - on x86-64 CPUs with AVX-512 IFMA, survivors take the test to base 2
//!   eight at a time, one per 64-bit lane, in lockstep: digits of 52 bits,
//!   IFMA's multiplier width, with carries deferred, as in Gueron and
//!   Krasnov's Montgomery multiplication with IFMA; R = 2^1040, whose
//!   headroom above the moduli makes final subtractions unnecessary (as
//!   Walter showed for Montgomery exponentiation); and one ladder of
//!   squarings over the bits of n - 1 for all lanes, doubling where a
//!   lane's bit is set. The survivors that pass then go on in search order
//!   to the random-base rounds, which run in the eight lanes too, one base
//!   per lane and one modulus for all: the exponent is the same in every
//!   lane, so a sliding-window exponentiation picks the same entry of
//!   every lane's table of odd powers, with no gathers. The prime found is
//!   the one that testing one by one finds (from the same random numbers
//!   too, unless a composite passes the base-2 test: the two
//!   confirmations draw different numbers of bases). Elsewhere survivors
//!   go one at a time;
//! - p and q are distinct and neither is 1 mod 65537 (so e = 65537 is
//!   invertible), and the key is built by `rsa::PrivateKey::from_primes`,
//!   which computes d as `PrivateKey::new` does and validates and
//!   precomputes the key the same way.
//!
//! Measured on a 2-core EPYC (Zen 4; CPU time, 50 to 200 keys): about
//! 6.5 ms per key with IFMA, 33 ms without, against 60 ms for
//! `PrivateKey::new`. Per prime, about 34 strong tests to base 2 (and the
//! rest of the last batch of eight): 0.05 ms each with IFMA, 0.38 ms
//! without (crypto-primes' takes 0.6 ms, and its coarser sieve leaves
//! about 41); then the random-base rounds: 0.6 ms for the eight at once
//! with IFMA, 2.3 ms for five without. (Two rounds and crypto-primes'
//! strong Lucas test, as this module ran before, took 3.4 ms.)

use std::sync::LazyLock;

use rand::CryptoRng;
use rsa::BoxedUint;

/// The public exponent, as `rsa::PrivateKey::new` and Go use.
const E: u32 = 65537;

/// Limbs of a 1024-bit number.
const LIMBS: usize = 16;

/// A 1024-bit number, least significant limb first.
type U1024 = [u64; LIMBS];

/// Trial division bound: the sieve removes candidates with an odd prime
/// factor below it. Each doubling of the bound saves about two strong tests
/// per prime (36 expected at 2^16, 34 at 2^17, 32 at 2^18) and doubles the
/// cost of sieving a window and of building the table. Measured on a 2-core
/// EPYC, per prime: a strong test 0.39 ms; a window 0.13 ms at 2^16, 0.25
/// at 2^17, 0.6 at 2^18, 1.0 at 2^19, 2.1 at 2^20; the table, once per
/// process, 0.15, 0.33, 1.1, 1.4, 3.8 ms. 2^17 to 2^19 cost about the same
/// per prime; 2^17 keeps the start-up cost small. With IFMA's 0.05 ms per
/// strong test, 2^16 and 2^17 cost about the same, larger bounds more.
const SIEVE_LIMIT: u32 = 1 << 17;

/// Candidates per sieve window (base + 2k, k < WINDOW). Primes near 2^1024
/// are about 355 odd numbers apart, so a window holds one with probability
/// 1 - e^-11.5; an empty window just starts over at a new random base.
const WINDOW: usize = 4096;

/// Miller-Rabin rounds with random bases after the base-2 test, where the
/// CPU has no AVX-512 IFMA: as many as Go's crypto/rsa runs on 1024-bit
/// candidates (with IFMA, [`BATCH`] rounds at once instead; see the module
/// doc).
const RANDOM_BASE_ROUNDS: usize = 5;

// ---- limb arithmetic ----

/// a += b; returns the carry out.
fn add_assign<const L: usize>(a: &mut [u64; L], b: &[u64; L]) -> bool {
    let mut carry = false;
    for i in 0..L {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(carry as u64);
        a[i] = s;
        carry = c1 | c2;
    }
    carry
}

/// a -= b; returns the borrow out.
fn sub_assign<const L: usize>(a: &mut [u64; L], b: &[u64; L]) -> bool {
    let mut borrow = false;
    for i in 0..L {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(borrow as u64);
        a[i] = d;
        borrow = b1 | b2;
    }
    borrow
}

/// a >= b.
fn ge<const L: usize>(a: &[u64; L], b: &[u64; L]) -> bool {
    for i in (0..L).rev() {
        if a[i] != b[i] {
            return a[i] > b[i];
        }
    }
    true
}

/// The number of significant bits.
fn bit_len(a: &[u64]) -> usize {
    for i in (0..a.len()).rev() {
        if a[i] != 0 {
            return 64 * i + 64 - a[i].leading_zeros() as usize;
        }
    }
    0
}

fn bit(a: &[u64], i: usize) -> bool {
    (a[i / 64] >> (i % 64)) & 1 == 1
}

/// a >> n, for n < 64·L.
fn shr<const L: usize>(a: &[u64; L], n: usize) -> [u64; L] {
    let (words, bits) = (n / 64, n % 64);
    let mut r = [0u64; L];
    for i in 0..L - words {
        let lo = a[i + words] >> bits;
        let hi = if bits > 0 && i + words + 1 < L {
            a[i + words + 1] << (64 - bits)
        } else {
            0
        };
        r[i] = lo | hi;
    }
    r
}

/// a mod d for a small d, by long division over the limbs.
fn rem_small(a: &[u64], d: u64) -> u64 {
    let mut r: u64 = 0;
    for &limb in a.iter().rev() {
        r = ((((r as u128) << 64) | limb as u128) % d as u128) as u64;
    }
    r
}

/// Little-endian limbs to a 1024-bit-precision `BoxedUint`.
fn to_boxed(a: &U1024) -> BoxedUint {
    let bytes: Vec<u8> = a.iter().flat_map(|l| l.to_le_bytes()).collect();
    BoxedUint::from_le_slice(&bytes, 64 * LIMBS as u32).expect("1024 bits fit 1024-bit precision")
}

// ---- Montgomery arithmetic ----

/// Arithmetic modulo an odd `m` of `L` 64-bit limbs in Montgomery form: a
/// residue x is held as x·R mod m, with R = 2^(64·L). Variable-time.
#[derive(Clone)]
struct Monty<const L: usize> {
    m: [u64; L],
    /// -m⁻¹ mod 2^64.
    m_neg_inv: u64,
    /// R mod m: 1 in Montgomery form.
    one: [u64; L],
}

impl<const L: usize> Monty<L> {
    /// `m` must be odd and greater than 1.
    fn new(m: [u64; L]) -> Self {
        debug_assert!(m[0] & 1 == 1 && bit_len(&m) > 1);
        // Newton's iteration doubles the correct low bits of m⁻¹ mod 2^64;
        // m·m ≡ 1 (mod 8) for odd m, so 3 bits to start with.
        let mut inv = m[0];
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m[0].wrapping_mul(inv)));
        }
        let mut mt = Monty {
            m,
            m_neg_inv: inv.wrapping_neg(),
            one: [0; L],
        };
        mt.one = if m[L - 1] >> 63 == 1 {
            // R - m < m.
            let mut one = [0u64; L];
            sub_assign(&mut one, &m);
            one
        } else {
            let mut x = [0u64; L];
            x[0] = 1;
            for _ in 0..64 * L {
                x = mt.dbl(&x);
            }
            x
        };
        mt
    }

    /// 2x mod m (the same in and out of Montgomery form).
    #[inline]
    fn dbl(&self, x: &[u64; L]) -> [u64; L] {
        let mut r = [0u64; L];
        let mut carry = 0;
        for i in 0..L {
            r[i] = (x[i] << 1) | carry;
            carry = x[i] >> 63;
        }
        if carry == 1 || ge(&r, &self.m) {
            sub_assign(&mut r, &self.m);
        }
        r
    }

    /// a·b·R⁻¹ mod m, operand by operand with the reduction interleaved
    /// (CIOS): each row adds a·b[i], then u·m with u chosen to clear the
    /// low word, and shifts one word down. (Product scanning with a
    /// three-word accumulator measured slower here.)
    #[inline]
    fn mul(&self, a: &[u64; L], b: &[u64; L]) -> [u64; L] {
        let m = &self.m;
        let mut t = [0u64; L];
        let mut t_top = 0u64; // word L of the running sum
        for &bi in b {
            let bi = bi as u128;
            let mut c = 0u64;
            for j in 0..L {
                let s = (a[j] as u128) * bi + t[j] as u128 + c as u128;
                t[j] = s as u64;
                c = (s >> 64) as u64;
            }
            let s = t_top as u128 + c as u128;
            t_top = s as u64;
            let t_over = (s >> 64) as u64; // word L + 1
            let u = t[0].wrapping_mul(self.m_neg_inv) as u128;
            let s = u * m[0] as u128 + t[0] as u128; // low word 0
            let mut c = (s >> 64) as u64;
            for j in 1..L {
                let s = u * m[j] as u128 + t[j] as u128 + c as u128;
                t[j - 1] = s as u64;
                c = (s >> 64) as u64;
            }
            let s = t_top as u128 + c as u128;
            t[L - 1] = s as u64;
            t_top = t_over + (s >> 64) as u64;
        }
        // The sum is below 2m.
        if t_top != 0 || ge(&t, m) {
            sub_assign(&mut t, m);
        }
        t
    }

    /// a²·R⁻¹ mod m: the double-width square (each cross product once,
    /// doubled, plus the squares on the diagonal), then [`Monty::redc`].
    #[inline]
    fn sqr(&self, a: &[u64; L]) -> [u64; L] {
        let mut wide = [[0u64; L]; 2];
        let t = wide.as_flattened_mut();
        for i in 0..L {
            let ai = a[i] as u128;
            let mut c: u64 = 0;
            for j in i + 1..L {
                let s = ai * (a[j] as u128) + t[i + j] as u128 + c as u128;
                t[i + j] = s as u64;
                c = (s >> 64) as u64;
            }
            t[i + L] = c;
        }
        // t = 2·t + Σ a[i]²·2^(128·i)
        let mut shifted_out = 0u64;
        let mut c: u64 = 0;
        for i in 0..L {
            let sq = (a[i] as u128) * (a[i] as u128);
            let lo = t[2 * i];
            let hi = t[2 * i + 1];
            let lo2 = (lo << 1) | shifted_out;
            let hi2 = (hi << 1) | (lo >> 63);
            shifted_out = hi >> 63;
            let s = lo2 as u128 + (sq as u64) as u128 + c as u128;
            t[2 * i] = s as u64;
            let s = hi2 as u128 + (sq >> 64) + (s >> 64);
            t[2 * i + 1] = s as u64;
            c = (s >> 64) as u64;
        }
        self.redc(t)
    }

    /// Montgomery reduction of a double-width t < m·R (2L words): t·R⁻¹
    /// mod m.
    #[inline(always)]
    fn redc(&self, t: &mut [u64]) -> [u64; L] {
        let m = &self.m;
        let mut top_carry = 0u64;
        for i in 0..L {
            let u = t[i].wrapping_mul(self.m_neg_inv) as u128;
            let mut c: u64 = 0;
            for j in 0..L {
                let s = u * (m[j] as u128) + t[i + j] as u128 + c as u128;
                t[i + j] = s as u64;
                c = (s >> 64) as u64;
            }
            let s = t[i + L] as u128 + c as u128 + top_carry as u128;
            t[i + L] = s as u64;
            top_carry = (s >> 64) as u64;
        }
        let mut r = [0u64; L];
        r.copy_from_slice(&t[L..]);
        // The result is below 2m.
        if top_carry != 0 || ge(&r, m) {
            sub_assign(&mut r, m);
        }
        r
    }

    /// R² mod m, to bring numbers into Montgomery form.
    fn r2(&self) -> [u64; L] {
        let mut x = self.one;
        for _ in 0..64 * L {
            x = self.dbl(&x);
        }
        x
    }

    fn to_monty(&self, x: &[u64; L], r2: &[u64; L]) -> [u64; L] {
        self.mul(x, r2)
    }

    #[cfg(test)]
    fn from_monty(&self, x: &[u64; L]) -> [u64; L] {
        let mut unit = [0u64; L];
        unit[0] = 1;
        self.mul(x, &unit)
    }

    /// base^exp for a base in Montgomery form (result in Montgomery form),
    /// with a fixed 4-bit window.
    fn pow(&self, base: &[u64; L], exp: &[u64]) -> [u64; L] {
        let mut table = [self.one; 16];
        for i in 1..16 {
            table[i] = self.mul(&table[i - 1], base);
        }
        let nibbles = bit_len(exp).div_ceil(4);
        let nibble = |i: usize| ((exp[i / 16] >> (4 * (i % 16))) & 15) as usize;
        let mut x = self.one;
        for i in (0..nibbles).rev() {
            if i + 1 < nibbles {
                for _ in 0..4 {
                    x = self.sqr(&x);
                }
            }
            let w = nibble(i);
            if w != 0 {
                x = self.mul(&x, &table[w]);
            }
        }
        x
    }

    /// 2^exp in Montgomery form: left to right, where a multiplication by 2
    /// is a doubling, so the cost is that of the squarings alone.
    fn pow2(&self, exp: &[u64]) -> [u64; L] {
        let n = bit_len(exp);
        if n == 0 {
            return self.one;
        }
        // The top 6 bits at once: 2^top by doublings, cheaper than the
        // squarings of small powers.
        let first = n.saturating_sub(6);
        let mut top = 0u32;
        for i in (first..n).rev() {
            top = (top << 1) | bit(exp, i) as u32;
        }
        let mut x = self.one;
        for _ in 0..top {
            x = self.dbl(&x);
        }
        for i in (0..first).rev() {
            x = self.sqr(&x);
            if bit(exp, i) {
                x = self.dbl(&x);
            }
        }
        x
    }

    /// m - 1 = d·2^s with d odd.
    fn split_m_minus_1(&self) -> ([u64; L], usize) {
        let mut m1 = self.m;
        m1[0] -= 1; // m is odd: no borrow
        let s = (0..64 * L).find(|&i| bit(&m1, i)).unwrap_or(0);
        (shr(&m1, s), s)
    }

    /// The strong probable-prime test's end, given a^d (Montgomery form).
    fn strong_test_tail(&self, mut y: [u64; L], s: usize) -> bool {
        let mut minus_one = self.m;
        sub_assign(&mut minus_one, &self.one);
        if y == self.one || y == minus_one {
            return true;
        }
        for _ in 1..s {
            y = self.sqr(&y);
            if y == minus_one {
                return true;
            }
            if y == self.one {
                return false;
            }
        }
        false
    }

    /// Whether m is a strong probable prime to base 2 (m > 3).
    fn strong_base2(&self) -> bool {
        let (d, s) = self.split_m_minus_1();
        self.strong_test_tail(self.pow2(&d), s)
    }

    /// Whether m is a strong probable prime to `base` (1 < base < m - 1,
    /// not in Montgomery form).
    fn strong(&self, base: &[u64; L], r2: &[u64; L]) -> bool {
        let (d, s) = self.split_m_minus_1();
        self.strong_test_tail(self.pow(&self.to_monty(base, r2), &d), s)
    }

    /// A uniformly random base in [2, m - 2] (m > 4).
    fn random_base<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> [u64; L] {
        let bits = bit_len(&self.m);
        let mut upper = self.m;
        upper[0] -= 2; // m - 2; m is odd and > 4, so no borrow
        loop {
            let mut b = [0u64; L];
            for (i, limb) in b.iter_mut().enumerate() {
                if 64 * i < bits {
                    *limb = rng.next_u64();
                    if 64 * i + 64 > bits {
                        *limb &= u64::MAX >> (64 * i + 64 - bits);
                    }
                }
            }
            if bit_len(&b) > 1 && ge(&upper, &b) {
                return b;
            }
        }
    }
}

// ---- base-2 strong tests, eight at a time ----

/// Sieve survivors given to the base-2 strong test together: one per
/// 64-bit lane of a 512-bit vector.
const BATCH: usize = 8;

/// Whether each of `candidates` (1 to [`BATCH`] odd numbers of exactly 1024
/// bits) is a strong probable prime to base 2, as [`Monty::strong_base2`]
/// decides it, computed for all of them at once where the CPU has AVX-512
/// IFMA; `None` elsewhere. Lanes past the candidates repeat the last one.
fn strong_base2_simd(candidates: &[U1024]) -> Option<[bool; BATCH]> {
    #[cfg(target_arch = "x86_64")]
    if ifma::available() {
        return Some(ifma::strong_base2(candidates));
    }
    let _ = candidates;
    None
}

/// Whether m (odd, 4 < m < 2^1024) is a strong probable prime to each of
/// [`BATCH`] bases below it, as [`Monty::strong`] decides it, computed for
/// all of them at once where the CPU has AVX-512 IFMA; `None` elsewhere,
/// without calling `bases`.
fn strong_to_bases_simd(mt: &Monty<LIMBS>, bases: impl FnOnce() -> [U1024; BATCH]) -> Option<[bool; BATCH]> {
    #[cfg(target_arch = "x86_64")]
    if ifma::available() {
        return Some(ifma::strong_to_bases(mt, &bases()));
    }
    let _ = (mt, bases);
    None
}

/// Eight Montgomery exponentiations in lockstep, one modulus per 64-bit
/// lane ("vertical" SIMD): vector d holds digit d of eight numbers in radix
/// 2^52, the width of IFMA's multiplier. vpmadd52luq/huq add the low or the
/// high 52 bits of a 52×52-bit product to a 64-bit lane, so a column's
/// products are summed first and carried once, as in Gueron and Krasnov's
/// Montgomery multiplication with IFMA (where the lanes hold the digits of
/// one number instead).
#[cfg(target_arch = "x86_64")]
mod ifma {
    use std::arch::x86_64::*;

    use super::{bit, bit_len, ge, sub_assign, Monty, BATCH as LANES, LIMBS, U1024};

    /// 52-bit digits per number: 1040 bits, 16 above the moduli, so that
    /// Montgomery products need no final subtraction (see [`Squaring`]).
    const DIGITS: usize = 20;
    const DIGIT_BITS: usize = 52;
    const DIGIT_MASK: u64 = (1 << DIGIT_BITS) - 1;
    /// Bits of the moduli.
    const BITS: usize = 64 * LIMBS;
    /// Leading exponent bits done at once by scalar doublings, as
    /// [`Monty::pow2`] does.
    const TOP_BITS: usize = 4;
    /// Bits of R = 2^1040.
    const R_BITS: usize = DIGITS * DIGIT_BITS;
    /// Window width of the exponentiation to random bases: 5 bits, 16 odd
    /// powers in the table (20 KB, within L1).
    const WINDOW_BITS: usize = 5;
    const ODD_POWERS: usize = 1 << (WINDOW_BITS - 1);

    /// Eight numbers below 2^1040, digit d of each in vector d.
    type Digits = [__m512i; DIGITS];

    pub(super) fn available() -> bool {
        is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512ifma")
    }

    /// See [`super::strong_base2_simd`]; the CPU must have AVX-512 IFMA.
    pub(super) fn strong_base2(candidates: &[U1024]) -> [bool; LANES] {
        assert!(available(), "AVX-512 IFMA");
        assert!((1..=LANES).contains(&candidates.len()));
        assert!(candidates.iter().all(|n| n[0] & 1 == 1 && n[LIMBS - 1] >> 63 == 1));
        let moduli = std::array::from_fn(|i| candidates[i.min(candidates.len() - 1)]);
        // SAFETY: available() found AVX-512F and AVX-512 IFMA on this CPU.
        unsafe { strong_base2_lanes(&moduli) }
    }

    /// One lane's modulus and the constants of its test.
    struct Lane {
        m: U1024,
        /// m - 1 = d·2^s with d odd.
        s: usize,
        /// 1 and -1 in Montgomery form for R = 2^1040.
        one: U1024,
        minus_one: U1024,
        /// -m⁻¹ mod 2^52.
        m_neg_inv: u64,
        /// 2^(the top TOP_BITS bits of m - 1), in Montgomery form.
        start: U1024,
    }

    impl Lane {
        fn new(m: &U1024) -> Self {
            let mt = Monty::new(*m);
            // mt.one is 2^1024 mod m; 16 doublings make it 2^1040 mod m.
            let mut one = mt.one;
            for _ in BITS..DIGITS * DIGIT_BITS {
                one = mt.dbl(&one);
            }
            let mut minus_one = *m;
            sub_assign(&mut minus_one, &one);
            // m - 1 differs from the odd m in bit 0 only.
            let s = (1..BITS).find(|&i| bit(m, i)).unwrap_or(BITS);
            let top = (BITS - TOP_BITS..BITS).rev().fold(0, |t, i| 2 * t + bit(m, i) as u32);
            let mut start = one;
            for _ in 0..top {
                start = mt.dbl(&start);
            }
            Lane { m: *m, s, one, minus_one, m_neg_inv: mt.m_neg_inv & DIGIT_MASK, start }
        }

        /// The strong test's verdict, if this step decides it, given
        /// y = 2^((m - 1) >> j) in Montgomery form (below 3m), for j ≤ s:
        /// j = s is `Monty::strong_test_tail`'s start, each j below one of
        /// its squarings.
        fn verdict(&self, j: usize, y: &[u64; LIMBS + 1]) -> Option<bool> {
            let y = reduce(y, &self.m);
            if y == self.minus_one || (j == self.s && y == self.one) {
                Some(true)
            } else if y == self.one || j == 1 {
                Some(false)
            } else {
                None
            }
        }
    }

    /// y mod m, for y a few times m at most.
    fn reduce(y: &[u64; LIMBS + 1], m: &U1024) -> U1024 {
        let mut y = *y;
        let mut wide_m = [0u64; LIMBS + 1];
        wide_m[..LIMBS].copy_from_slice(m);
        while ge(&y, &wide_m) {
            sub_assign(&mut y, &wide_m);
        }
        std::array::from_fn(|i| y[i])
    }

    /// The base-2 strong test of eight moduli (odd, 1024 bits): left to
    /// right over the bits of m - 1, each step a squaring and, in the lanes
    /// whose bit is set, a doubling. After the step for bit j a lane holds
    /// 2^((m - 1) >> j), which for j ≤ s are the values that the strong
    /// test checks, so each lane is decided at some j ≤ s.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn strong_base2_lanes(moduli: &[U1024; LANES]) -> [bool; LANES] {
        let lanes: [Lane; LANES] = std::array::from_fn(|i| Lane::new(&moduli[i]));
        // A lane whose s reaches into the top bits (m - 1 = 2^1023, say)
        // has its checks before the ladder starts: the scalar test does it.
        let mut verdicts: [Option<bool>; LANES] = std::array::from_fn(|i| {
            (lanes[i].s >= BITS - TOP_BITS).then(|| Monty::new(lanes[i].m).strong_base2())
        });
        let m = pack(&lanes.each_ref().map(|l| l.m));
        let m_neg_inv = load(&lanes.each_ref().map(|l| l.m_neg_inv));
        let mut x = pack(&lanes.each_ref().map(|l| l.start));
        let last_check = lanes.iter().map(|l| l.s).max().unwrap_or(0);
        for j in (1..BITS - TOP_BITS).rev() {
            let doubled = (0..LANES).fold(0, |mask, i| mask | (bit(&lanes[i].m, j) as u8) << i);
            x = sqr_dbl(&x, &m, m_neg_inv, doubled);
            if j > last_check {
                continue;
            }
            let values = unpack(&x);
            for (i, lane) in lanes.iter().enumerate() {
                if verdicts[i].is_none() && j <= lane.s {
                    verdicts[i] = lane.verdict(j, &values[i]);
                }
            }
            if verdicts.iter().all(Option::is_some) {
                break;
            }
        }
        verdicts.map(|v| v.expect("every lane is decided by j = 1"))
    }

    /// See [`super::strong_to_bases_simd`]; the CPU must have AVX-512 IFMA.
    pub(super) fn strong_to_bases(mt: &Monty<LIMBS>, bases: &[U1024; LANES]) -> [bool; LANES] {
        assert!(available(), "AVX-512 IFMA");
        assert!(mt.m[0] & 1 == 1 && bit_len(&mt.m) > 2, "odd modulus above 4");
        assert!(bases.iter().all(|b| !ge(b, &mt.m)), "bases below the modulus");
        // SAFETY: available() found AVX-512F and AVX-512 IFMA on this CPU.
        unsafe { strong_to_bases_lanes(mt, bases) }
    }

    /// Miller-Rabin to eight bases modulo one n: b^d in every lane by
    /// [`pow`], whose windows, from the shared exponent, are the same in
    /// every lane; then squarings of all lanes together, each lane checked
    /// after each as `Monty::strong_test_tail` checks it. Values stay below
    /// 2n (see [`mul`]; squarings are products too).
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn strong_to_bases_lanes(mt: &Monty<LIMBS>, bases: &[U1024; LANES]) -> [bool; LANES] {
        let n = mt.m;
        let (d, s) = mt.split_m_minus_1();
        // Monty's R is 2^1024, so its 2^k is 2^(k + 1024) mod n: here 1 and
        // R² for R = 2^1040.
        let one = mt.pow2(&[(R_BITS - BITS) as u64]);
        let r2 = mt.pow2(&[(2 * R_BITS - BITS) as u64]);
        let mut minus_one = n;
        sub_assign(&mut minus_one, &one);
        let m = pack(&[n; LANES]);
        let m_neg_inv = _mm512_set1_epi64((mt.m_neg_inv & DIGIT_MASK) as i64);
        // b·R²·R⁻¹ = b·R: the bases in Montgomery form.
        let b = mul(&pack(bases), &pack(&[r2; LANES]), &m, m_neg_inv);
        let mut y = pow(&b, &d, &m, m_neg_inv);
        let mut verdicts = [None; LANES];
        for step in 0..s {
            if step > 0 {
                y = sqr_dbl(&y, &m, m_neg_inv, 0);
            }
            for (verdict, y) in verdicts.iter_mut().zip(unpack(&y)) {
                if verdict.is_none() {
                    *verdict = tail_verdict(step, &reduce(&y, &n), &one, &minus_one);
                }
            }
            if verdicts.iter().all(Option::is_some) {
                break;
            }
        }
        // s - 1 squarings without reaching -1: composite.
        verdicts.map(|v| v.unwrap_or(false))
    }

    /// A lane's verdict, if this step decides it, given y = b^(d·2^step)
    /// mod n in Montgomery form.
    fn tail_verdict(step: usize, y: &U1024, one: &U1024, minus_one: &U1024) -> Option<bool> {
        if y == minus_one || (step == 0 && y == one) {
            Some(true)
        } else if y == one {
            Some(false)
        } else {
            None
        }
    }

    /// b^e in Montgomery form, for b in Montgomery form below 2n and e > 0,
    /// by sliding windows over e's bits: as e is the same in every lane, so
    /// is each window's table entry.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn pow(b: &Digits, e: &[u64], m: &Digits, m_neg_inv: __m512i) -> Digits {
        let table = odd_powers(b, m, m_neg_inv);
        let windows = sliding_windows(e);
        let (mut low, first) = windows[0];
        let mut x = table[first / 2];
        for &(next_low, value) in &windows[1..] {
            for _ in next_low..low {
                x = sqr_dbl(&x, m, m_neg_inv, 0);
            }
            x = mul(&x, &table[value / 2], m, m_neg_inv);
            low = next_low;
        }
        for _ in 0..low {
            x = sqr_dbl(&x, m, m_neg_inv, 0);
        }
        x
    }

    /// b, b³, b⁵, ..., b^(2·ODD_POWERS - 1): the odd window values.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn odd_powers(b: &Digits, m: &Digits, m_neg_inv: __m512i) -> [Digits; ODD_POWERS] {
        let b2 = sqr_dbl(b, m, m_neg_inv, 0);
        let mut table = [*b; ODD_POWERS];
        for k in 1..ODD_POWERS {
            table[k] = mul(&table[k - 1], &b2, m, m_neg_inv);
        }
        table
    }

    /// e's windows for [`pow`], from the top: (lowest bit, value) of runs
    /// of at most WINDOW_BITS bits that start and end with a 1, so values
    /// are odd; only 0s lie between them.
    pub(super) fn sliding_windows(e: &[u64]) -> Vec<(usize, usize)> {
        let mut windows = Vec::new();
        let mut top = bit_len(e); // the bits from `top` up are done
        while top > 0 {
            if !bit(e, top - 1) {
                top -= 1;
                continue;
            }
            let mut low = top.saturating_sub(WINDOW_BITS);
            while !bit(e, low) {
                low += 1;
            }
            let value = (low..top).rev().fold(0, |v, i| 2 * v + bit(e, i) as usize);
            windows.push((low, value));
            top = low;
        }
        windows
    }

    /// `$op.column::<K>()` for the 40 columns of a Montgomery product: each
    /// column a function of its constant index, so that every column's
    /// sums unroll into straight-line code with no branches.
    macro_rules! all_columns {
        ($op:ident) => {
            all_columns!($op: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19
                20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39)
        };
        ($op:ident: $($k:literal)*) => { $( $op.column::<$k>(); )* };
    }

    /// a²·R⁻¹ mod m, times 2 in the lanes of `doubled`, for R = 2^1040 and
    /// a below 2^1026 (digits below 2^52); the result is below 2^1026 too,
    /// as digits below 2^52, not necessarily below m.
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn sqr_dbl(a: &Digits, m: &Digits, m_neg_inv: __m512i, doubled: __mmask8) -> Digits {
        let zero = _mm512_setzero_si512();
        let mut sq = Squaring {
            a,
            m,
            m_neg_inv,
            shift: _mm512_maskz_set1_epi64(doubled, 1),
            u: [zero; DIGITS],
            carry: zero,
            r: [zero; DIGITS],
        };
        all_columns!(sq);
        sq.r
    }

    /// A Montgomery squaring, product scanning: column k sums the digit
    /// products of a² and of U·m at 2^(52k), where U = Σ u_i·2^(52i) makes
    /// the low 20 columns vanish (u_k is chosen once column k's other terms
    /// are in); the high 20 columns are the result, (a² + U·m)/2^1040.
    ///
    /// Bounds: the result is below a²/2^1040 + m < 2^1012 + 2^1024, so
    /// doubled still below 2^1026, with no final subtraction. A column
    /// adds at most 20 half-products of cross terms (then doubled), one of
    /// the diagonal and 40 of U·m, each below 2^52, and a carry: below
    /// 2^59 even when doubled, so 64-bit lanes hold it.
    struct Squaring<'a> {
        a: &'a Digits,
        m: &'a Digits,
        m_neg_inv: __m512i,
        /// Per lane 1 to double the result, else 0.
        shift: __m512i,
        u: Digits,
        /// Column k's sum divided by 2^52, for column k + 1.
        carry: __m512i,
        r: Digits,
    }

    impl Squaring<'_> {
        #[inline]
        #[target_feature(enable = "avx512f,avx512ifma")]
        fn column<const K: usize>(&mut self) {
            let (a, m) = (self.a, self.m);
            let zero = _mm512_setzero_si512();
            // Cross products a_i·a_j (i < j) once, doubled: low halves at
            // column i + j, high halves at i + j + 1.
            let s = K.saturating_sub(DIGITS - 1);
            let e = K.div_ceil(2).max(s);
            let lo = conv_lo(&a[s..e], &a[K + 1 - e..K + 1 - s]);
            let hi = if K >= 1 {
                let s = (K - 1).saturating_sub(DIGITS - 1);
                let e = (K / 2).max(s);
                conv_hi(&a[s..e], &a[K - e..K - s])
            } else {
                zero
            };
            let cross = _mm512_slli_epi64::<1>(_mm512_add_epi64(lo, hi));
            let d = a[K / 2];
            let square = if K.is_multiple_of(2) {
                _mm512_madd52lo_epu64(cross, d, d)
            } else {
                _mm512_madd52hi_epu64(cross, d, d)
            };
            // u_i·m_j for the u_i chosen so far.
            let s = K.saturating_sub(DIGITS - 1);
            let e = K.min(DIGITS).max(s);
            let lo = conv_lo(&self.u[s..e], &m[K + 1 - e..K + 1 - s]);
            let hi = if K >= 1 {
                let s = (K - 1).saturating_sub(DIGITS - 1);
                let e = K.min(DIGITS);
                conv_hi(&self.u[s..e], &m[K - e..K - s])
            } else {
                zero
            };
            let sum = _mm512_add_epi64(square, _mm512_add_epi64(lo, hi));
            if K < DIGITS {
                let sum = _mm512_add_epi64(sum, self.carry);
                // u_K·m_0 ≡ -sum (mod 2^52): the column's low digit is 0.
                let u = _mm512_madd52lo_epu64(zero, sum, self.m_neg_inv);
                self.u[K] = u;
                self.carry = _mm512_srli_epi64::<52>(_mm512_madd52lo_epu64(sum, u, m[0]));
            } else {
                // Doubling: column 20 with the carry into it, each higher
                // column without (its carry comes from the doubled column).
                let v = if K == DIGITS {
                    _mm512_sllv_epi64(_mm512_add_epi64(sum, self.carry), self.shift)
                } else {
                    _mm512_add_epi64(_mm512_sllv_epi64(sum, self.shift), self.carry)
                };
                self.r[K - DIGITS] = _mm512_and_si512(v, _mm512_set1_epi64(DIGIT_MASK as i64));
                self.carry = _mm512_srli_epi64::<52>(v);
            }
        }
    }

    /// a·b·R⁻¹ mod m for R = 2^1040 and a, b below 2^1026 (digits below
    /// 2^52): the result is below 2^1026 as digits below 2^52, and below
    /// 2m when a and b are (a·b/2^1040 + m < 4m²/2^1040 + m).
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn mul(a: &Digits, b: &Digits, m: &Digits, m_neg_inv: __m512i) -> Digits {
        let zero = _mm512_setzero_si512();
        let mut product = Product { a, b, m, m_neg_inv, u: [zero; DIGITS], carry: zero, r: [zero; DIGITS] };
        all_columns!(product);
        product.r
    }

    /// A Montgomery multiplication, product scanning as [`Squaring`] does,
    /// with every digit product a_i·b_j instead of the cross products once.
    /// A column adds at most 40 half-products of a·b and 40 of U·m, each
    /// below 2^52, and a carry: below 2^59.
    struct Product<'a> {
        a: &'a Digits,
        b: &'a Digits,
        m: &'a Digits,
        m_neg_inv: __m512i,
        u: Digits,
        /// Column k's sum divided by 2^52, for column k + 1.
        carry: __m512i,
        r: Digits,
    }

    impl Product<'_> {
        #[inline]
        #[target_feature(enable = "avx512f,avx512ifma")]
        fn column<const K: usize>(&mut self) {
            let m = self.m;
            let zero = _mm512_setzero_si512();
            // a_i·b_j: low halves at column i + j, high halves at i + j + 1;
            // u_i·m_j likewise for the u_i chosen so far (i < K).
            let ab = _mm512_add_epi64(
                products_lo(self.a, self.b, K, DIGITS),
                products_hi(self.a, self.b, K, DIGITS),
            );
            let um = _mm512_add_epi64(
                products_lo(&self.u, m, K, K.min(DIGITS)),
                products_hi(&self.u, m, K, K.min(DIGITS)),
            );
            let sum = _mm512_add_epi64(_mm512_add_epi64(ab, um), self.carry);
            if K < DIGITS {
                // u_K·m_0 ≡ -sum (mod 2^52): the column's low digit is 0.
                let u = _mm512_madd52lo_epu64(zero, sum, self.m_neg_inv);
                self.u[K] = u;
                self.carry = _mm512_srli_epi64::<52>(_mm512_madd52lo_epu64(sum, u, m[0]));
            } else {
                self.r[K - DIGITS] = _mm512_and_si512(sum, _mm512_set1_epi64(DIGIT_MASK as i64));
                self.carry = _mm512_srli_epi64::<52>(sum);
            }
        }
    }

    /// Σ lo52(x_i·y_j) over i + j = k with i < known (the digits of x
    /// chosen so far).
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn products_lo(x: &Digits, y: &Digits, k: usize, known: usize) -> __m512i {
        let s = k.saturating_sub(DIGITS - 1);
        let e = (k + 1).min(known).max(s);
        conv_lo(&x[s..e], &y[k + 1 - e..k + 1 - s])
    }

    /// Σ hi52(x_i·y_j) over i + j = k - 1 with i < known: the high halves
    /// that belong to column k.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn products_hi(x: &Digits, y: &Digits, k: usize, known: usize) -> __m512i {
        if k == 0 {
            return _mm512_setzero_si512();
        }
        let s = (k - 1).saturating_sub(DIGITS - 1);
        let e = k.min(known).max(s);
        conv_hi(&x[s..e], &y[k - e..k - s])
    }

    /// Σ lo52(x[i]·y[n-1-i]), n = x.len() = y.len().
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn conv_lo(x: &[__m512i], y: &[__m512i]) -> __m512i {
        let mut acc = _mm512_setzero_si512();
        for (a, b) in x.iter().zip(y.iter().rev()) {
            acc = _mm512_madd52lo_epu64(acc, *a, *b);
        }
        acc
    }

    /// Σ hi52(x[i]·y[n-1-i]), n = x.len() = y.len().
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn conv_hi(x: &[__m512i], y: &[__m512i]) -> __m512i {
        let mut acc = _mm512_setzero_si512();
        for (a, b) in x.iter().zip(y.iter().rev()) {
            acc = _mm512_madd52hi_epu64(acc, *a, *b);
        }
        acc
    }

    // ---- between limbs and lanes of digits ----

    /// Limbs (a number below 2^1040) to digits.
    fn to_digits(a: &[u64]) -> [u64; DIGITS] {
        let limb = |w: usize| a.get(w).copied().unwrap_or(0);
        std::array::from_fn(|d| {
            let (w, b) = (DIGIT_BITS * d / 64, DIGIT_BITS * d % 64);
            let mut digit = limb(w) >> b;
            if b + DIGIT_BITS > 64 {
                digit |= limb(w + 1) << (64 - b);
            }
            digit & DIGIT_MASK
        })
    }

    /// Digits below 2^52 to 17 limbs (1040 bits need more than 16).
    fn from_digits(digits: &[u64; DIGITS]) -> [u64; LIMBS + 1] {
        let mut r = [0u64; LIMBS + 1];
        for (d, &digit) in digits.iter().enumerate() {
            let (w, b) = (DIGIT_BITS * d / 64, DIGIT_BITS * d % 64);
            r[w] |= digit << b;
            if b + DIGIT_BITS > 64 {
                r[w + 1] |= digit >> (64 - b);
            }
        }
        r
    }

    #[target_feature(enable = "avx512f")]
    fn load(lanes: &[u64; LANES]) -> __m512i {
        // SAFETY: an unaligned load of the 64 bytes of `lanes`.
        unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) }
    }

    #[target_feature(enable = "avx512f")]
    fn store(v: __m512i) -> [u64; LANES] {
        let mut lanes = [0u64; LANES];
        // SAFETY: an unaligned store to the 64 bytes of `lanes`.
        unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), v) };
        lanes
    }

    /// Eight numbers below 2^1040 into lanes.
    #[target_feature(enable = "avx512f")]
    fn pack<const L: usize>(numbers: &[[u64; L]; LANES]) -> Digits {
        let digits = numbers.each_ref().map(|n| to_digits(n));
        std::array::from_fn(|d| load(&std::array::from_fn(|i| digits[i][d])))
    }

    /// Lanes back into eight numbers of 17 limbs.
    #[target_feature(enable = "avx512f")]
    fn unpack(x: &Digits) -> [[u64; LIMBS + 1]; LANES] {
        let rows = x.map(|v| store(v));
        std::array::from_fn(|i| from_digits(&std::array::from_fn(|d| rows[d][i])))
    }

    /// [`sqr_dbl`] of eight numbers below 2^1026 modulo eight moduli (odd,
    /// 1024 bits), for tests; the CPU must have AVX-512 IFMA.
    #[cfg(test)]
    pub(super) fn sqr_dbl_numbers(
        a: &[[u64; LIMBS + 1]; LANES],
        moduli: &[U1024; LANES],
        doubled: u8,
    ) -> [[u64; LIMBS + 1]; LANES] {
        assert!(available(), "AVX-512 IFMA");
        let m_neg_inv = moduli.each_ref().map(|m| Monty::new(*m).m_neg_inv & DIGIT_MASK);
        // SAFETY: available() found AVX-512F and AVX-512 IFMA on this CPU.
        unsafe { unpack(&sqr_dbl(&pack(a), &pack(moduli), load(&m_neg_inv), doubled)) }
    }

    /// [`mul`] of eight pairs of numbers below 2^1026 modulo eight moduli
    /// (odd, below 2^1024), for tests; the CPU must have AVX-512 IFMA.
    #[cfg(test)]
    pub(super) fn mul_numbers(
        a: &[[u64; LIMBS + 1]; LANES],
        b: &[[u64; LIMBS + 1]; LANES],
        moduli: &[U1024; LANES],
    ) -> [[u64; LIMBS + 1]; LANES] {
        assert!(available(), "AVX-512 IFMA");
        let m_neg_inv = moduli.each_ref().map(|m| Monty::new(*m).m_neg_inv & DIGIT_MASK);
        // SAFETY: available() found AVX-512F and AVX-512 IFMA on this CPU.
        unsafe { unpack(&mul(&pack(a), &pack(b), &pack(moduli), load(&m_neg_inv))) }
    }
}

// ---- sieve ----

/// The odd primes below [`SIEVE_LIMIT`], grouped so that each group's
/// product fits in a u64: one long division of a candidate per group, then
/// one u64 remainder per prime.
struct SmallPrimes {
    primes: Vec<u32>,
    /// (product, index of the first prime, index past the last prime)
    groups: Vec<(u64, usize, usize)>,
}

static SMALL_PRIMES: LazyLock<SmallPrimes> = LazyLock::new(|| SmallPrimes::new(SIEVE_LIMIT));

impl SmallPrimes {
    /// The odd primes below `limit` (Eratosthenes), grouped.
    fn new(limit: u32) -> Self {
        let limit = limit as usize;
        let mut composite = vec![false; limit];
        let mut primes = Vec::new();
        for n in 3..limit {
            if n % 2 == 0 || composite[n] {
                continue;
            }
            primes.push(n as u32);
            for multiple in (n * n..limit).step_by(2 * n) {
                composite[multiple] = true;
            }
        }
        let mut groups = Vec::new();
        let mut start = 0;
        while start < primes.len() {
            let mut product: u64 = 1;
            let mut end = start;
            while end < primes.len() {
                match product.checked_mul(primes[end] as u64) {
                    Some(p) => product = p,
                    None => break,
                }
                end += 1;
            }
            groups.push((product, start, end));
            start = end;
        }
        SmallPrimes { primes, groups }
    }

    /// Marks in `sieved_out` each k for which base + 2k has one of the
    /// primes as a factor (`residues` is scratch space).
    fn sieve(&self, base: &U1024, residues: &mut Vec<u32>, sieved_out: &mut [bool]) {
        self.residues(base, residues);
        sieved_out.fill(false);
        for (&p, &r) in self.primes.iter().zip(residues.iter()) {
            // base + 2k ≡ 0 (mod p) from k ≡ (p - r)/2 (mod p).
            let p = p as usize;
            let mut t = if r == 0 { 0 } else { p - r as usize };
            if t % 2 == 1 {
                t += p;
            }
            for k in (t / 2..sieved_out.len()).step_by(p) {
                sieved_out[k] = true;
            }
        }
    }

    /// n mod each prime, in the order of `primes`.
    fn residues(&self, n: &U1024, out: &mut Vec<u32>) {
        out.clear();
        for &(product, start, end) in &self.groups {
            let r = rem_small(n, product);
            out.extend(self.primes[start..end].iter().map(|&p| (r % p as u64) as u32));
        }
    }

    /// Whether one of the primes divides n (n greater than them all).
    #[cfg(test)]
    fn divides(&self, n: &U1024) -> bool {
        let mut res = Vec::with_capacity(self.primes.len());
        self.residues(n, &mut res);
        res.contains(&0)
    }
}

/// Whether a candidate that survived the sieve is prime, without SIMD:
/// strong test to base 2, then [`confirms_prime_scalar`].
fn passes_primality_tests<R: CryptoRng + ?Sized>(n: &U1024, rng: &mut R) -> bool {
    Monty::new(*n).strong_base2() && confirms_prime_scalar(n, rng)
}

/// Whether a strong probable prime to base 2 is prime: Miller-Rabin with
/// [`BATCH`] random bases at once where the CPU has AVX-512 IFMA, else
/// [`confirms_prime_scalar`].
fn confirms_prime<R: CryptoRng + ?Sized>(n: &U1024, rng: &mut R) -> bool {
    let mt = Monty::new(*n);
    let bases = || std::array::from_fn(|_| mt.random_base(rng));
    match strong_to_bases_simd(&mt, bases) {
        Some(passes) => passes.iter().all(|&pass| pass),
        None => confirms_prime_scalar(n, rng),
    }
}

/// Miller-Rabin with [`RANDOM_BASE_ROUNDS`] random bases, one at a time.
fn confirms_prime_scalar<R: CryptoRng + ?Sized>(n: &U1024, rng: &mut R) -> bool {
    let mt = Monty::new(*n);
    let r2 = mt.r2();
    (0..RANDOM_BASE_ROUNDS).all(|_| mt.strong(&mt.random_base(rng), &r2))
}

/// Whether n (odd, greater than the sieve's primes, at most 1024 bits) is
/// prime, as the search decides it: no odd prime factor below
/// [`SIEVE_LIMIT`], the strong test to base 2, then [`confirms_prime`].
#[cfg(test)]
fn is_probable_prime<R: CryptoRng + ?Sized>(n: &U1024, rng: &mut R) -> bool {
    n[0] & 1 == 1 && !SMALL_PRIMES.divides(n) && Monty::new(*n).strong_base2() && confirms_prime(n, rng)
}

/// A random 1024-bit prime with its top two bits set and p mod 65537 ≠ 1:
/// the first prime at or after a random base.
fn random_prime_1024<R: CryptoRng + ?Sized>(rng: &mut R) -> U1024 {
    search_prime(rng, first_prime)
}

/// [`random_prime_1024`]'s search, which gives the sieve survivors to
/// `first_prime` [`BATCH`] at a time, in order.
fn search_prime<R, F>(rng: &mut R, first_prime: F) -> U1024
where
    R: CryptoRng + ?Sized,
    F: Fn(&[U1024], &mut R) -> Option<U1024>,
{
    let small = &*SMALL_PRIMES;
    let mut residues = Vec::with_capacity(small.primes.len());
    let mut sieved_out = vec![false; WINDOW];
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let mut base: U1024 = std::array::from_fn(|_| rng.next_u64());
        base[LIMBS - 1] |= 0b11 << 62;
        base[0] |= 1;
        small.sieve(&base, &mut residues, &mut sieved_out);
        batch.clear();
        for k in 0..WINDOW {
            if sieved_out[k] {
                continue;
            }
            let mut candidate = base;
            let mut offset = [0u64; LIMBS];
            offset[0] = 2 * k as u64;
            if add_assign(&mut candidate, &offset) {
                break; // past 2^1024: start over after the batch
            }
            if rem_small(&candidate, E as u64) == 1 {
                continue;
            }
            batch.push(candidate);
            if batch.len() == BATCH {
                if let Some(p) = first_prime(&batch, rng) {
                    return p;
                }
                batch.clear();
            }
        }
        if !batch.is_empty() {
            if let Some(p) = first_prime(&batch, rng) {
                return p;
            }
        }
    }
}

/// The first prime among sieve survivors (in search order, at most
/// [`BATCH`]): base-2 strong tests of all of them at once where the CPU
/// allows, then [`confirms_prime`] (its random bases at once, too) in
/// order on those that pass; elsewhere one candidate at a time, stopping
/// at the first prime.
fn first_prime<R: CryptoRng + ?Sized>(candidates: &[U1024], rng: &mut R) -> Option<U1024> {
    match strong_base2_simd(candidates) {
        Some(passes) => candidates
            .iter()
            .zip(passes)
            .find(|&(n, pass)| pass && confirms_prime(n, rng))
            .map(|(n, _)| *n),
        None => first_prime_scalar(candidates, rng),
    }
}

/// [`first_prime`] without SIMD.
fn first_prime_scalar<R: CryptoRng + ?Sized>(candidates: &[U1024], rng: &mut R) -> Option<U1024> {
    candidates.iter().copied().find(|n| passes_primality_tests(n, rng))
}

/// A new RSA-2048 key (e = 65537), equivalent to
/// `rsa::PrivateKey::new(rng, 2048)`, faster (see the module doc).
pub fn generate_rsa_2048<R: CryptoRng + ?Sized>(rng: &mut R) -> rsa::Result<rsa::PrivateKey> {
    let p = random_prime_1024(rng);
    let q = loop {
        let q = random_prime_1024(rng);
        if q != p {
            break q;
        }
    };
    rsa::PrivateKey::from_primes(vec![to_boxed(&p), to_boxed(&q)], BoxedUint::from(E))
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use rand::Rng;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};

    fn big<const L: usize>(a: &[u64; L]) -> BigUint {
        BigUint::from_bytes_le(&a.iter().flat_map(|l| l.to_le_bytes()).collect::<Vec<u8>>())
    }

    fn limbs<const L: usize>(n: &BigUint) -> [u64; L] {
        let digits = n.to_u64_digits();
        assert!(digits.len() <= L, "{n} does not fit {L} limbs");
        std::array::from_fn(|i| digits.get(i).copied().unwrap_or(0))
    }

    fn from_hex<const L: usize>(hex: &str) -> [u64; L] {
        let clean: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
        limbs(&BigUint::parse_bytes(clean.as_bytes(), 16).expect("hex"))
    }

    fn random_limbs<const L: usize>(bits: usize) -> [u64; L] {
        let mut rng = rand::rng();
        let mut a: [u64; L] = std::array::from_fn(|_| rng.next_u64());
        for i in 0..L {
            if 64 * i >= bits {
                a[i] = 0;
            } else if 64 * i + 64 > bits {
                a[i] &= u64::MAX >> (64 * i + 64 - bits);
            }
        }
        a
    }

    /// Random odd moduli of varied sizes (top bit set or not), random bases
    /// below them, random exponents: the Montgomery exponentiation against
    /// num-bigint's `modpow`.
    fn modexp_matches_biguint<const L: usize>(rounds: usize) {
        let mut rng = rand::rng();
        for round in 0..rounds {
            let bits = match round % 4 {
                0 => 64 * L,
                1 => 64 * L - 1,
                _ => 2 + (rng.next_u64() as usize) % (64 * L - 2),
            };
            let mut m = random_limbs::<L>(bits);
            m[0] |= 1;
            m[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
            let mt = Monty::new(m);
            let r2 = mt.r2();
            let bm = big(&m);
            let base = limbs::<L>(&(big(&random_limbs::<L>(64 * L)) % &bm));
            let exp = random_limbs::<L>(1 + (rng.next_u64() as usize) % (64 * L));
            let want = big(&base).modpow(&big(&exp), &bm);
            let got = mt.from_monty(&mt.pow(&mt.to_monty(&base, &r2), &exp));
            assert_eq!(
                big(&got),
                want,
                "pow: m={bm:x} base={:x} exp={:x}",
                big(&base),
                big(&exp)
            );
            let want2 = BigUint::from(2u32).modpow(&big(&exp), &bm);
            assert_eq!(
                big(&mt.from_monty(&mt.pow2(&exp))),
                want2,
                "pow2: m={bm:x} exp={:x}",
                big(&exp)
            );
            // one multiplication and squaring of unrelated values
            let a = limbs::<L>(&(big(&random_limbs::<L>(64 * L)) % &bm));
            let b = limbs::<L>(&(big(&random_limbs::<L>(64 * L)) % &bm));
            let (ma, mb) = (mt.to_monty(&a, &r2), mt.to_monty(&b, &r2));
            assert_eq!(big(&mt.from_monty(&mt.mul(&ma, &mb))), big(&a) * big(&b) % &bm);
            assert_eq!(big(&mt.from_monty(&mt.sqr(&ma))), big(&a) * big(&a) % &bm);
        }
    }

    #[test]
    fn modexp_1024_matches_biguint() {
        modexp_matches_biguint::<16>(200);
    }

    #[test]
    fn modexp_other_widths_match_biguint() {
        modexp_matches_biguint::<1>(2000);
        modexp_matches_biguint::<2>(1000);
        modexp_matches_biguint::<5>(300);
    }

    /// The 1024-bit MODP prime of RFC 2409 (Oakley group 2, from the digits
    /// of π), whose (p-1)/2 is prime too.
    const OAKLEY_GROUP_2: &str = "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
        29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437
        4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED EE386BFB 5A899FA5
        AE9F2411 7C4B1FE6 49286651 ECE65381 FFFFFFFF FFFFFFFF";

    /// The 1024-bit prime of RFC 5114's 1024-bit MODP group (2.1).
    const RFC5114_P: &str = "B10B8F96 A080E01D DE92DE5E AE5D54EC 52C99FBC FB06A3C6 9A6A9DCA
        52D23B61 6073E286 75A23D18 9838EF1E 2EE652C0 13ECB4AE A9061123 24975C3C D49B83BF ACCBDD7D
        90C4BD70 98488E9C 219A7372 4EFFD6FA E5644738 FAA31A4F F55BCCC0 A151AF5F 0DC8B4BD 45BF37DF
        365C1A65 E68CFDA7 6D4DA708 DF1FB2BC 2E4A4371";

    #[test]
    fn known_primes_are_accepted() {
        let mut rng = rand::rng();
        let oakley = from_hex::<16>(OAKLEY_GROUP_2);
        let sophie = shr(&oakley, 1); // (p - 1) / 2
        let rfc5114 = from_hex::<16>(RFC5114_P);
        // The largest prime below 2^1024 is 2^1024 - 105.
        let mut below = [u64::MAX; 16];
        below[0] = u64::MAX - 104;
        for p in [oakley, sophie, rfc5114, below] {
            assert!(is_probable_prime(&p, &mut rng), "{:x}", big(&p));
            assert!(Monty::new(p).strong_base2());
            assert!(confirms_prime(&p, &mut rng), "{:x}", big(&p));
            assert!(confirms_prime_scalar(&p, &mut rng), "{:x}", big(&p));
        }
        // Small primes through the width-generic tests.
        for p in [5u64, 7, 13, 65537, 2147483647, 18446744073709551557] {
            let mt = Monty::<1>::new([p]);
            assert!(mt.strong_base2(), "{p}");
            let r2 = mt.r2();
            for _ in 0..20 {
                assert!(mt.strong(&mt.random_base(&mut rng), &r2), "{p}");
            }
        }
    }

    #[test]
    fn known_composites_are_rejected() {
        let mut rng = rand::rng();
        // Strong pseudoprimes to base 2: 2047 = 23·89 (the smallest),
        // 3215031751 = 151·751·28351 (also to bases 3, 5, 7),
        // 3825123056546413051 = 149491·747451·34233211 (to all bases up to
        // 23), and the Carmichael number 15841 = 7·31·73. The base-2 test
        // must pass them; random bases must catch them (the sieve finds
        // the factors of all but the last).
        for n in [2047u64, 15841, 3215031751, 3825123056546413051] {
            let mt = Monty::<1>::new([n]);
            assert!(mt.strong_base2(), "{n} is a strong pseudoprime to base 2");
            let r2 = mt.r2();
            assert!((0..20).any(|_| !mt.strong(&mt.random_base(&mut rng), &r2)), "{n}");
            let mut wide = [0u64; 16];
            wide[0] = n;
            assert!(Monty::new(wide).strong_base2(), "{n}");
            assert!(confirmations_reject(&wide, &mut rng), "{n}");
            assert!((0..TRIES).any(|_| !is_probable_prime(&wide, &mut rng)), "{n}");
        }
        // Carmichael numbers that are not strong pseudoprimes to base 2:
        // Fermat's test to base 2 passes them, the strong test does not.
        for n in [561u64, 1729] {
            let mt = Monty::<1>::new([n]);
            assert_eq!(mt.from_monty(&mt.pow2(&[n - 1])), [1], "{n} is a Carmichael number");
            assert!(!mt.strong_base2(), "{n}");
        }

        // 2^1021 - 1 (1021 prime, the number composite: 40841 divides it)
        // is a strong pseudoprime to base 2: 2^1021 ≡ 1, and 1021 divides
        // its odd part (2^1020 - 1). The sieve's trial division finds
        // 40841; without it the random bases must reject it.
        let mut m1021 = [u64::MAX; 16];
        m1021[15] >>= 3;
        assert_eq!(rem_small(&m1021, 40841), 0);
        let mt = Monty::new(m1021);
        assert!(mt.strong_base2());
        let r2 = mt.r2();
        assert!((0..20).any(|_| !mt.strong(&mt.random_base(&mut rng), &r2)));
        assert!(confirmations_reject(&m1021, &mut rng));
        assert!(!is_probable_prime(&m1021, &mut rng));

        // (2^512 - 569)·(2^512 - 629): the two largest primes below 2^512,
        // so no small factor; composite by construction. The base-2 test
        // rejects it.
        let two512 = BigUint::from(1u32) << 512u32;
        let semiprime = limbs::<16>(&((&two512 - 569u32) * (&two512 - 629u32)));
        assert_eq!(bit_len(&semiprime), 1024);
        assert!(!SMALL_PRIMES.divides(&semiprime));
        assert!(!Monty::new(semiprime).strong_base2());
        assert!(confirmations_reject(&semiprime, &mut rng));
        assert!(!is_probable_prime(&semiprime, &mut rng));

        // A 1024-bit Carmichael number with top bits 11 and no small
        // factor: Chernick's (6k+1)(12k+1)(18k+1) with all three factors
        // prime (k found by a search with sympy). Korselt's criterion and
        // 2^(n-1) ≡ 1 are checked here with num-bigint; the strong test to
        // base 2 rejects it.
        let k = BigUint::parse_bytes(CHERNICK_K.as_bytes(), 16).expect("hex");
        let factors = [6u32, 12, 18].map(|c| &k * c + 1u32);
        let n = factors.iter().product::<BigUint>();
        let one = BigUint::from(1u32);
        for f in &factors {
            assert_eq!((&n - &one) % (f - &one), BigUint::ZERO, "Korselt");
        }
        assert_eq!(BigUint::from(2u32).modpow(&(&n - &one), &n), one);
        let carmichael = limbs::<16>(&n);
        assert_eq!(carmichael[15] >> 62, 0b11);
        assert!(!SMALL_PRIMES.divides(&carmichael));
        let mt = Monty::new(carmichael);
        assert_eq!(big(&mt.from_monty(&mt.pow2(&limbs::<16>(&(&n - &one))))), one);
        assert!(!mt.strong_base2());
        assert!(confirmations_reject(&carmichael, &mut rng));
        assert!(!is_probable_prime(&carmichael, &mut rng));
    }

    /// Tries given to a confirmation to reject a composite: up to a
    /// quarter of the bases are strong liars (Rabin), nearly that for
    /// 3215031751 and 3825123056546413051, an eighth for the Chernick
    /// number; five rounds then accept with probability up to 2^-10, and
    /// three tries of them 2^-30.
    const TRIES: usize = 3;

    /// Whether both confirmations, batched (where the CPU allows) and
    /// scalar, reject the composite n in one of [`TRIES`] tries.
    fn confirmations_reject(n: &U1024, rng: &mut impl CryptoRng) -> bool {
        (0..TRIES).any(|_| !confirms_prime(n, rng)) && (0..TRIES).any(|_| !confirms_prime_scalar(n, rng))
    }

    /// k for the Chernick Carmichael number above.
    const CHERNICK_K: &str = "3840dae5672a0a97a6628ad5266504d11151d6d0f805b04fdfdd4f5044d359b82eb1b210d805d7f6cfdc1";

    /// Whether the SIMD tests can run here; prints why not.
    fn has_ifma(test: &str) -> bool {
        #[cfg(target_arch = "x86_64")]
        if ifma::available() {
            return true;
        }
        println!("{test}: no AVX-512 IFMA on this CPU, SIMD comparison skipped");
        false
    }

    /// An odd 1024-bit number with the top two bits set.
    fn random_candidate() -> U1024 {
        let mut n = random_limbs::<16>(1024);
        n[15] |= 0b11 << 62;
        n[0] |= 1;
        n
    }

    /// A prime p with p - 1 = d·2^s, d odd: a random one of that form
    /// searched upwards in steps of 2^(s+1).
    fn prime_with_s(s: usize) -> U1024 {
        let mut rng = rand::rng();
        let mut n = random_candidate();
        for i in 0..=s {
            n[i / 64] &= !(1 << (i % 64));
        }
        n[s / 64] |= 1 << (s % 64);
        n[0] |= 1;
        let mut step = [0u64; 16];
        step[(s + 1) / 64] = 1 << ((s + 1) % 64);
        while !is_probable_prime(&n, &mut rng) {
            assert!(!add_assign(&mut n, &step), "past 2^1024");
        }
        n
    }

    /// What both IFMA tests check against: the 2^1026 bound on results,
    /// the Montgomery radix R = 2^1040, the largest 1024-bit odd modulus
    /// tried (2^1024 - 105) and the largest input (2^1026 - 1).
    #[cfg(target_arch = "x86_64")]
    struct IfmaLimits {
        bound: BigUint,
        r: BigUint,
        largest: U1024,
        all_ones: [u64; 17],
    }

    #[cfg(target_arch = "x86_64")]
    impl IfmaLimits {
        fn new() -> Self {
            let bound = BigUint::from(1u32) << 1026u32;
            let mut largest = [u64::MAX; 16];
            largest[0] = u64::MAX - 104;
            let all_ones = limbs::<17>(&(&bound - 1u32));
            IfmaLimits { bound, r: BigUint::from(1u32) << 1040u32, largest, all_ones }
        }
    }

    /// The IFMA squaring (and doubling) against num-bigint: random and
    /// extreme moduli, inputs up to the 2^1026 that the ladder allows.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn ifma_square_matches_biguint() {
        if !has_ifma("ifma_square_matches_biguint") {
            return;
        }
        let mut rng = rand::rng();
        let IfmaLimits { bound, r, largest, all_ones } = IfmaLimits::new();
        let mut smallest = [0u64; 16];
        smallest[15] = 1 << 63;
        smallest[0] = 1; // 2^1023 + 1
        for round in 0..300 {
            let moduli: [U1024; 8] = std::array::from_fn(|i| match (round + i) % 8 {
                0 => largest,
                1 => smallest,
                _ => random_candidate(),
            });
            let a: [[u64; 17]; 8] = std::array::from_fn(|i| match (round + i) % 5 {
                0 => all_ones,
                1 => limbs::<17>(&(big(&moduli[i]) - 1u32)),
                _ => random_limbs::<17>(1026),
            });
            let doubled = rng.next_u64() as u8;
            let got = ifma::sqr_dbl_numbers(&a, &moduli, doubled);
            for i in 0..8 {
                let m = big(&moduli[i]);
                let factor = if doubled >> i & 1 == 1 { 2u32 } else { 1 };
                let want = big(&a[i]) * big(&a[i]) * factor * r.modinv(&m).expect("odd m") % &m;
                let g = big(&got[i]);
                assert!(g < bound, "lane {i}: result {g:x} not below 2^1026");
                assert_eq!(g % &m, want, "lane {i}: m={m:x} a={:x} doubled={doubled:b}", big(&a[i]));
            }
        }
    }

    /// The IFMA multiplication against num-bigint: random, extreme and
    /// small moduli (the random-base test takes any odd one above 4),
    /// inputs up to 2^1026, and results below 2m from inputs below 2m.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn ifma_multiply_matches_biguint() {
        if !has_ifma("ifma_multiply_matches_biguint") {
            return;
        }
        let mut rng = rand::rng();
        let IfmaLimits { bound, r, largest, all_ones } = IfmaLimits::new();
        for round in 0..300 {
            let moduli: [U1024; 8] = std::array::from_fn(|i| match (round + i) % 8 {
                0 => largest,
                1 => {
                    let bits = 3 + (rng.next_u64() as usize) % 1022;
                    let mut m = random_limbs::<16>(bits);
                    m[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
                    m[0] |= 1;
                    m
                }
                _ => random_candidate(),
            });
            let operand = |i: usize, k: usize| {
                let twice_m = big(&moduli[i]) * 2u32;
                match (round + i + k) % 6 {
                    0 => all_ones,
                    1 => limbs::<17>(&(big(&moduli[i]) - 1u32)),
                    2 => limbs::<17>(&(&twice_m - 1u32)),
                    3 => limbs::<17>(&(big(&random_limbs::<17>(1026)) % &twice_m)),
                    _ => random_limbs::<17>(1026),
                }
            };
            let a: [[u64; 17]; 8] = std::array::from_fn(|i| operand(i, 0));
            let b: [[u64; 17]; 8] = std::array::from_fn(|i| operand(i, 1 + round % 4));
            let got = ifma::mul_numbers(&a, &b, &moduli);
            for i in 0..8 {
                let m = big(&moduli[i]);
                let (x, y, g) = (big(&a[i]), big(&b[i]), big(&got[i]));
                let want = &x * &y * r.modinv(&m).expect("odd m") % &m;
                assert!(g < bound, "lane {i}: result {g:x} not below 2^1026");
                if x < &m * 2u32 && y < &m * 2u32 {
                    assert!(g < &m * 2u32, "lane {i}: result {g:x} not below 2m, m={m:x}");
                }
                assert_eq!(g % &m, want, "lane {i}: m={m:x} a={x:x} b={y:x}");
            }
        }
    }

    /// The exponentiation's windows: odd values of at most 5 bits, each
    /// below the one before, that add up to the exponent.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sliding_windows_cover_the_exponent() {
        let mut rng = rand::rng();
        let mut exponents: Vec<U1024> = (0..500)
            .map(|_| random_limbs::<16>(1 + (rng.next_u64() as usize) % 1024))
            .filter(|e| bit_len(e) > 0)
            .collect();
        let mut top = [0u64; 16];
        top[15] = 1 << 63;
        exponents.extend([[u64::MAX; 16], top, limbs::<16>(&BigUint::from(1u32)), limbs::<16>(&BigUint::from(0b100001u32))]);
        for e in &exponents {
            let windows = ifma::sliding_windows(e);
            let mut sum = BigUint::ZERO;
            let mut above = bit_len(e);
            for &(low, value) in &windows {
                let width = (usize::BITS - value.leading_zeros()) as usize;
                assert!(value % 2 == 1 && width <= 5, "{value}");
                assert!(low + width <= above, "windows overlap: {windows:?}");
                sum += BigUint::from(value) << low;
                above = low;
            }
            assert_eq!(sum, big(e));
        }
    }

    /// The batched Miller-Rabin agrees with `Monty::strong` lane by lane for
    /// the same bases (random ones, and the extremes 2 and n - 2): primes,
    /// with s from 1 to 200, composites (Chernick's Carmichael number,
    /// products of two primes, strong pseudoprimes to base 2, small moduli
    /// too), moduli of large s and random candidates. Primes pass in every
    /// lane. Without IFMA the scalar confirmation still runs on the primes.
    #[test]
    fn batched_random_bases_match_scalar() {
        let mut rng = rand::rng();
        let mut primes: Vec<U1024> = [OAKLEY_GROUP_2, RFC5114_P].iter().map(|h| from_hex::<16>(h)).collect();
        let mut largest = [u64::MAX; 16];
        largest[0] = u64::MAX - 104;
        primes.push(largest);
        primes.extend([1, 2, 3, 5, 8, 13, 64, 65, 200].map(prime_with_s));
        primes.extend((0..2).map(|_| random_prime_1024(&mut rng)));
        for p in &primes {
            assert!(confirms_prime_scalar(p, &mut rng), "{:x}", big(p));
        }
        if !has_ifma("batched_random_bases_match_scalar") {
            return;
        }
        let mut composites = Vec::new();
        let k = BigUint::parse_bytes(CHERNICK_K.as_bytes(), 16).expect("hex");
        composites.push(limbs::<16>(&[6u32, 12, 18].iter().map(|&c| &k * c + 1u32).product::<BigUint>()));
        let two512 = BigUint::from(1u32) << 512u32;
        composites.push(limbs::<16>(&((&two512 - 569u32) * (&two512 - 629u32))));
        for bits in [512, 300] {
            let (p, q) = (random_prime(bits, &mut rng), random_prime(1024 - bits, &mut rng));
            composites.push(limbs::<16>(&(p * q)));
        }
        let mut m1021 = [u64::MAX; 16];
        m1021[15] >>= 3;
        composites.push(m1021);
        composites.extend([2047u64, 15841, 3215031751, 3825123056546413051].map(|n| limbs::<16>(&BigUint::from(n))));
        for s in 1019..1024 {
            let mut n = [0u64; 16];
            n[15] |= 1 << 63;
            n[s / 64] |= 1 << (s % 64);
            n[0] |= 1;
            composites.push(n);
        }
        composites.extend((0..20).map(|_| random_candidate()));
        for (i, n) in primes.iter().chain(&composites).enumerate() {
            let mt = Monty::new(*n);
            let r2 = mt.r2();
            let mut two = [0u64; 16];
            two[0] = 2;
            let mut n_minus_2 = *n;
            sub_assign(&mut n_minus_2, &two);
            let bases: [U1024; 8] = std::array::from_fn(|lane| match (i + lane) % 8 {
                0 if i % 2 == 0 => two,
                1 if i % 2 == 0 => n_minus_2,
                _ => mt.random_base(&mut rng),
            });
            let got = ifma::strong_to_bases(&mt, &bases);
            for (lane, base) in bases.iter().enumerate() {
                assert_eq!(got[lane], mt.strong(base, &r2), "n={:x} lane {lane} base={:x}", big(n), big(base));
            }
            if i < primes.len() {
                assert_eq!(got, [true; 8], "{:x}", big(n));
            }
        }
    }

    /// A random prime of `bits` bits (top bit set; more than the sieve's
    /// primes).
    fn random_prime(bits: usize, rng: &mut impl CryptoRng) -> BigUint {
        loop {
            let mut n = random_limbs::<16>(bits);
            n[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
            n[0] |= 1;
            if is_probable_prime(&n, rng) {
                return big(&n);
            }
        }
    }

    /// The batched base-2 test agrees with `Monty::strong_base2` lane by
    /// lane: random candidates (almost all composite), primes with s from 1
    /// to 200, composites with large s, a Carmichael number (the strong
    /// test's tail reaches 1 without -1), moduli whose s is too large for
    /// the ladder, in every lane position and in short batches.
    #[test]
    fn batched_base2_matches_scalar() {
        let mut rng = rand::rng();
        let mut primes: Vec<U1024> = [OAKLEY_GROUP_2, RFC5114_P].iter().map(|h| from_hex::<16>(h)).collect();
        let mut largest = [u64::MAX; 16];
        largest[0] = u64::MAX - 104;
        primes.push(largest);
        primes.extend([1, 2, 3, 5, 8, 13, 64, 65, 200].map(prime_with_s));
        primes.extend((0..6).map(|_| random_prime_1024(&mut rng)));
        let mut special = Vec::new();
        // s = 1019 (the ladder's first step) to 1023 (2^1023 + 1).
        for s in 1019..1024 {
            let mut n = [0u64; 16];
            n[15] |= 1 << 63;
            n[s / 64] |= 1 << (s % 64);
            n[0] |= 1;
            special.push(n);
        }
        let k = BigUint::parse_bytes(CHERNICK_K.as_bytes(), 16).expect("hex");
        special.push(limbs::<16>(&[6u32, 12, 18].iter().map(|&c| &k * c + 1u32).product::<BigUint>()));
        for s in [10, 100, 500] {
            let mut n = random_candidate();
            for i in 0..=s {
                n[i / 64] &= !(1 << (i % 64));
            }
            n[s / 64] |= 1 << (s % 64);
            n[0] |= 1;
            special.push(n);
        }
        for p in &primes {
            assert!(Monty::new(*p).strong_base2(), "{:x}", big(p));
        }
        if !has_ifma("batched_base2_matches_scalar") {
            return;
        }
        let check = |batch: &[U1024]| {
            let got = strong_base2_simd(batch).expect("IFMA");
            for (n, pass) in batch.iter().zip(got) {
                assert_eq!(pass, Monty::new(*n).strong_base2(), "{:x} in {} lanes", big(n), batch.len());
            }
        };
        for _ in 0..100 {
            check(&std::array::from_fn::<U1024, 8, _>(|_| random_candidate()));
        }
        // Each prime and special modulus in each lane among random ones.
        for (i, n) in primes.iter().chain(&special).enumerate() {
            let mut batch: [U1024; 8] = std::array::from_fn(|_| random_candidate());
            batch[i % 8] = *n;
            check(&batch);
        }
        // Mixed batches of primes and special moduli, all lengths.
        let pool: Vec<U1024> = primes.iter().chain(&special).copied().collect();
        for len in 1..=8 {
            for start in 0..pool.len() {
                let batch: Vec<U1024> = (0..len).map(|i| pool[(start + 3 * i) % pool.len()]).collect();
                check(&batch);
            }
        }
    }

    /// `first_prime` returns the first prime of a batch in order, as the
    /// scalar path does (which runs on every machine), or none.
    #[test]
    fn first_prime_takes_the_first_in_order() {
        let mut rng = rand::rng();
        let primes: Vec<U1024> = (0..3).map(|_| random_prime_1024(&mut rng)).collect();
        // Odd composites, rejected by the base-2 test: p + 2, p + 4, ...
        let composites: Vec<U1024> = (1..=8u64)
            .flat_map(|k| primes.iter().map(move |p| (p, k)))
            .filter_map(|(p, k)| {
                let mut n = *p;
                add_assign(&mut n, &std::array::from_fn(|i| if i == 0 { 2 * k } else { 0 }));
                (!Monty::new(n).strong_base2()).then_some(n)
            })
            .take(8)
            .collect();
        assert_eq!(composites.len(), 8);
        assert_eq!(first_prime(&composites, &mut rng), None);
        assert_eq!(first_prime_scalar(&composites, &mut rng), None);
        for first in 0..8 {
            for len in first + 1..=8 {
                let mut batch = composites[..len].to_vec();
                batch[first] = primes[0];
                if first + 1 < len {
                    batch[len - 1] = primes[1]; // a later prime must not win
                }
                assert_eq!(first_prime(&batch, &mut rng), Some(primes[0]), "{first} of {len}");
                assert_eq!(first_prime_scalar(&batch, &mut rng), Some(primes[0]), "{first} of {len}");
            }
        }
    }

    /// With the same random numbers, the search finds the same prime
    /// whether it tests survivors eight at a time or one by one (the
    /// confirmations draw different numbers of bases, but only once a
    /// survivor has passed the base-2 test, which almost surely makes it
    /// the prime found).
    #[test]
    fn batched_search_finds_the_same_prime() {
        use rand::SeedableRng;
        has_ifma("batched_search_finds_the_same_prime");
        for seed in 0..6 {
            let batched = search_prime(&mut rand::rngs::StdRng::seed_from_u64(seed), first_prime);
            let single = search_prime(&mut rand::rngs::StdRng::seed_from_u64(seed), first_prime_scalar);
            assert_eq!(batched, single, "seed {seed}");
        }
    }

    /// CPU time of this thread, from the scheduler's statistics where
    /// Linux has them (the wall clock elsewhere).
    fn cpu_time() -> std::time::Duration {
        static START: LazyLock<std::time::Instant> = LazyLock::new(std::time::Instant::now);
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .map(std::time::Duration::from_nanos)
            .unwrap_or_else(|| START.elapsed())
    }

    /// Prints the CPU time per key and per base-2 strong test:
    /// `cargo test --profile ci --lib primes::tests::timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn timing() {
        let mut rng = rand::rng();
        let _ = &*SMALL_PRIMES;
        let keys = 50;
        let start = cpu_time();
        for _ in 0..keys {
            generate_rsa_2048(&mut rng).expect("key");
        }
        let per_key = (cpu_time() - start).as_secs_f64() * 1e3 / keys as f64;
        println!("generate_rsa_2048: {per_key:.1} ms CPU per key ({keys} keys)");
        let batches: Vec<[U1024; 8]> = (0..20).map(|_| std::array::from_fn(|_| random_candidate())).collect();
        let start = cpu_time();
        for batch in &batches {
            for n in batch {
                std::hint::black_box(Monty::new(*n).strong_base2());
            }
        }
        let scalar = (cpu_time() - start).as_secs_f64() * 1e3 / (8 * batches.len()) as f64;
        println!("scalar strong test to base 2: {scalar:.3} ms");
        if has_ifma("timing") {
            let start = cpu_time();
            for batch in &batches {
                std::hint::black_box(strong_base2_simd(batch));
            }
            let simd = (cpu_time() - start).as_secs_f64() * 1e3 / (8 * batches.len()) as f64;
            println!("IFMA strong test to base 2: {simd:.3} ms per candidate, 8 at a time");
        }
        let primes: Vec<U1024> = (0..40).map(|_| random_prime_1024(&mut rng)).collect();
        let start = cpu_time();
        for p in &primes {
            assert!(confirms_prime_scalar(p, &mut rng));
        }
        let scalar = (cpu_time() - start).as_secs_f64() * 1e3 / primes.len() as f64;
        println!("scalar confirmation, {RANDOM_BASE_ROUNDS} random bases: {scalar:.3} ms per prime");
        if has_ifma("timing") {
            let start = cpu_time();
            for p in &primes {
                assert!(confirms_prime(p, &mut rng));
            }
            let simd = (cpu_time() - start).as_secs_f64() * 1e3 / primes.len() as f64;
            println!("IFMA confirmation, {BATCH} random bases at once: {simd:.3} ms per prime");
        }
    }

    #[test]
    fn generated_key_is_valid() {
        let mut rng = rand::rng();
        let key = generate_rsa_2048(&mut rng).expect("key");
        key.validate().expect("valid key");
        assert_eq!(key.n().as_ref().bit_width(), 2048);
        assert_eq!(key.e(), &BoxedUint::from(65537u32));
        let primes = key.primes();
        assert_eq!(primes.len(), 2);
        for p in primes {
            assert_eq!(p.as_ref().bit_width(), 1024);
            assert!(p.as_ref().bit(1023).to_bool() && p.as_ref().bit(1022).to_bool());
        }
        assert_ne!(primes[0], primes[1]);

        // Encrypt with the public key, decrypt with the private one (OAEP).
        use rsa::sha2::{Digest, Sha256};
        let msg = b"capstan primes round trip";
        let public = key.to_public_key();
        let ct = public
            .encrypt(&mut rng, rsa::Oaep::<Sha256>::new(), msg)
            .expect("encrypt");
        assert_eq!(key.decrypt(rsa::Oaep::<Sha256>::new(), &ct).expect("decrypt"), msg);
        // Sign (PSS, SHA-256), verify, and reject a changed digest.
        let digest = Sha256::digest(msg);
        let sig = key
            .sign_with_rng(&mut rng, rsa::Pss::<Sha256>::new(), &digest)
            .expect("sign");
        public.verify(rsa::Pss::<Sha256>::new(), &digest, &sig).expect("verify");
        let mut other = digest;
        other[0] ^= 1;
        assert!(public.verify(rsa::Pss::<Sha256>::new(), &other, &sig).is_err());
        // Textbook RSA with num-bigint: m^(e·d) ≡ m (mod n).
        let n = BigUint::from_bytes_be(&key.n().as_ref().to_be_bytes());
        let d = BigUint::from_bytes_be(&key.d().to_be_bytes());
        let m = BigUint::from_bytes_le(&std::array::from_fn::<u8, 200, _>(|_| rng.next_u64() as u8));
        assert_eq!(m.modpow(&BigUint::from(65537u32), &n).modpow(&d, &n), m);

        let second = generate_rsa_2048(&mut rng).expect("key");
        assert_ne!(key.n(), second.n());
    }
}
