// SPDX-License-Identifier: GPL-2.0
/*
 * Does the compiler get `r = a & g; return r ? r : g;` right at -O2?
 *
 * GCC PR target/107404: an x86 peephole2 that inverts a cmov to drop a
 * register move deletes the load of g but keeps g's register as the AND
 * operand, so the AND uses whatever that register held.  Fixed in GCC
 * 12.3; Debian 12's gcc-12 (12.2.0-14+deb12u1) carries the fix in its
 * source package without applying it.  v6.12's unbound_wq_update_pwq()
 * is compiled that way (cpumask_and() then the fallback of
 * wqattrs_actualize_cpumask()) in a configuration with NR_CPUS <= 64.
 *
 * Exits 0 if the compiler got it right, 1 if not.
 */
unsigned long g = 0xf;

__attribute__((noipa))
unsigned long and_or_g(unsigned long a)
{
	unsigned long r = a & g;

	return r ? r : g;
}

/* leaves 1 in the register the broken code reads */
__attribute__((noipa))
unsigned long pass(unsigned long a, unsigned long b, unsigned long c)
{
	(void)b;
	(void)c;
	return and_or_g(a);
}

int main(void)
{
	return pass(0xff, 0, 1) != 0xf;
}
