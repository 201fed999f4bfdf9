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
//!   [`RANDOM_BASE_ROUNDS`] rounds with random bases, and is finally
//!   confirmed by crypto-primes' strong Lucas test, so every prime returned
//!   has passed Baillie-PSW (`crypto_primes::is_prime`: the strong test to
//!   base 2, here with our arithmetic, then the library's Lucas test);
//! - p and q are distinct and neither is 1 mod 65537 (so e = 65537 is
//!   invertible), and the key is built by `rsa::PrivateKey::from_primes`,
//!   which computes d as `PrivateKey::new` does and validates and
//!   precomputes the key the same way.
//!
//! Measured on a 2-core EPYC (CPU time, 100 keys): about 34 ms per key on
//! average against 60 ms for `PrivateKey::new`. Per prime, about 34 strong
//! tests to base 2 at 0.39 ms each (crypto-primes' takes 0.6 ms, and its
//! coarser sieve leaves about 41), plus 2.5 ms for the Lucas test on
//! crypto-bigint's fixed-width `U1024` (`crypto_primes::is_prime` on the
//! heap-allocated integers it takes, base-2 test included, took 3.2 ms).

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
/// per prime; 2^17 keeps the start-up cost small.
const SIEVE_LIMIT: u32 = 1 << 17;

/// Candidates per sieve window (base + 2k, k < WINDOW). Primes near 2^1024
/// are about 355 odd numbers apart, so a window holds one with probability
/// 1 - e^-11.5; an empty window just starts over at a new random base.
const WINDOW: usize = 4096;

/// Miller-Rabin rounds with random bases after the base-2 test, before the
/// Baillie-PSW confirmation.
const RANDOM_BASE_ROUNDS: usize = 2;

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

/// Whether a candidate that survived the sieve is prime: strong test to
/// base 2, then to random bases, then crypto-primes' strong Lucas test.
fn passes_primality_tests<R: CryptoRng + ?Sized>(n: &U1024, rng: &mut R) -> bool {
    let mt = Monty::new(*n);
    if !mt.strong_base2() {
        return false;
    }
    let r2 = mt.r2();
    for _ in 0..RANDOM_BASE_ROUNDS {
        if !mt.strong(&mt.random_base(rng), &r2) {
            return false;
        }
    }
    lucas_confirms(n)
}

/// crypto-primes' strong Lucas test (Bpsw21 with A* bases, as its
/// `is_prime` runs it) on crypto-bigint's fixed-width 1024-bit integers:
/// after the strong test to base 2 this completes `is_prime`'s
/// Baillie-PSW without repeating that test, 2.5 ms per prime against 3.2.
fn lucas_confirms(n: &U1024) -> bool {
    use crypto_primes::hazmat::{lucas_test, AStarBase, LucasCheck, Primality};
    let odd = crypto_bigint::Odd::new(crypto_bigint::U1024::from_words(*n));
    match Option::<crypto_bigint::Odd<crypto_bigint::U1024>>::from(odd) {
        Some(odd) => !matches!(lucas_test(odd, AStarBase, LucasCheck::Bpsw21), Primality::Composite),
        None => false,
    }
}

/// Whether n (odd, greater than the sieve's primes, at most 1024 bits) is
/// prime, as the search decides it: no odd prime factor below
/// [`SIEVE_LIMIT`], then [`passes_primality_tests`].
#[cfg(test)]
fn is_probable_prime<R: CryptoRng + ?Sized>(n: &U1024, rng: &mut R) -> bool {
    n[0] & 1 == 1 && !SMALL_PRIMES.divides(n) && passes_primality_tests(n, rng)
}

/// A random 1024-bit prime with its top two bits set and p mod 65537 ≠ 1.
fn random_prime_1024<R: CryptoRng + ?Sized>(rng: &mut R) -> U1024 {
    let small = &*SMALL_PRIMES;
    let mut residues = Vec::with_capacity(small.primes.len());
    let mut sieved_out = vec![false; WINDOW];
    loop {
        let mut base: U1024 = std::array::from_fn(|_| rng.next_u64());
        base[LIMBS - 1] |= 0b11 << 62;
        base[0] |= 1;
        small.sieve(&base, &mut residues, &mut sieved_out);
        for k in 0..WINDOW {
            if sieved_out[k] {
                continue;
            }
            let mut candidate = base;
            let mut offset = [0u64; LIMBS];
            offset[0] = 2 * k as u64;
            if add_assign(&mut candidate, &offset) {
                break; // past 2^1024: start over
            }
            if rem_small(&candidate, E as u64) != 1 && passes_primality_tests(&candidate, rng) {
                return candidate;
            }
        }
    }
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
        // must pass them; random bases must catch them.
        for n in [2047u64, 15841, 3215031751, 3825123056546413051] {
            let mt = Monty::<1>::new([n]);
            assert!(mt.strong_base2(), "{n} is a strong pseudoprime to base 2");
            let r2 = mt.r2();
            assert!((0..20).any(|_| !mt.strong(&mt.random_base(&mut rng), &r2)), "{n}");
            let mut wide = [0u64; 16];
            wide[0] = n;
            assert!(!is_probable_prime(&wide, &mut rng), "{n}");
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
        assert!(!is_probable_prime(&m1021, &mut rng));

        // (2^512 - 569)·(2^512 - 629): the two largest primes below 2^512,
        // so no small factor; composite by construction. The base-2 test
        // rejects it.
        let two512 = BigUint::from(1u32) << 512u32;
        let semiprime = limbs::<16>(&((&two512 - 569u32) * (&two512 - 629u32)));
        assert_eq!(bit_len(&semiprime), 1024);
        assert!(!SMALL_PRIMES.divides(&semiprime));
        assert!(!Monty::new(semiprime).strong_base2());
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
        assert!(!is_probable_prime(&carmichael, &mut rng));
    }

    /// k for the Chernick Carmichael number above.
    const CHERNICK_K: &str = "3840dae5672a0a97a6628ad5266504d11151d6d0f805b04fdfdd4f5044d359b82eb1b210d805d7f6cfdc1";

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
