/* Debian's ca-certificates bundle, embedded at build time as the last-resort trust
 * store for a static binary on a machine without one (see src/base/ca.c). */
	.section .rodata
	.global ca_embedded_bundle
	.global ca_embedded_bundle_end
	.balign 16
ca_embedded_bundle:
	.incbin CA_BUNDLE_FILE
ca_embedded_bundle_end:
	.byte 0
#if defined(__linux__) && defined(__ELF__)
	.section .note.GNU-stack,"",@progbits
#endif
