/* Machine-mode trap entry for bare-metal RV32 images (RVM emulator).
 *
 * Saves x1..x31 in a frame on the current stack (frame[i] = x_i, frame[2] is
 * the sp before the trap, frame[0] = 0), calls rvm_emu_bm_trap(frame), which
 * emulates the trapping RVM instruction and advances mepc, restores every
 * register but sp and returns with mret. The RISC-V ABI has no red zone, so
 * the interrupted code's stack below sp is free. rvm_emu_install() points
 * mtvec here (direct mode: the entry is 4-byte aligned). */
    .section .text.rvm_trap_entry, "ax", @progbits
    .globl rvm_trap_entry
    .type rvm_trap_entry, @function
    .align 2
rvm_trap_entry:
    addi sp, sp, -128
    sw x0, 0(sp)
    sw x1, 4(sp)
    sw x3, 12(sp)
    sw x4, 16(sp)
    sw x5, 20(sp)
    sw x6, 24(sp)
    sw x7, 28(sp)
    sw x8, 32(sp)
    sw x9, 36(sp)
    sw x10, 40(sp)
    sw x11, 44(sp)
    sw x12, 48(sp)
    sw x13, 52(sp)
    sw x14, 56(sp)
    sw x15, 60(sp)
    sw x16, 64(sp)
    sw x17, 68(sp)
    sw x18, 72(sp)
    sw x19, 76(sp)
    sw x20, 80(sp)
    sw x21, 84(sp)
    sw x22, 88(sp)
    sw x23, 92(sp)
    sw x24, 96(sp)
    sw x25, 100(sp)
    sw x26, 104(sp)
    sw x27, 108(sp)
    sw x28, 112(sp)
    sw x29, 116(sp)
    sw x30, 120(sp)
    sw x31, 124(sp)
    addi t0, sp, 128
    sw t0, 8(sp)
    mv a0, sp
    call rvm_emu_bm_trap
    lw x1, 4(sp)
    lw x3, 12(sp)
    lw x4, 16(sp)
    lw x5, 20(sp)
    lw x6, 24(sp)
    lw x7, 28(sp)
    lw x8, 32(sp)
    lw x9, 36(sp)
    lw x10, 40(sp)
    lw x11, 44(sp)
    lw x12, 48(sp)
    lw x13, 52(sp)
    lw x14, 56(sp)
    lw x15, 60(sp)
    lw x16, 64(sp)
    lw x17, 68(sp)
    lw x18, 72(sp)
    lw x19, 76(sp)
    lw x20, 80(sp)
    lw x21, 84(sp)
    lw x22, 88(sp)
    lw x23, 92(sp)
    lw x24, 96(sp)
    lw x25, 100(sp)
    lw x26, 104(sp)
    lw x27, 108(sp)
    lw x28, 112(sp)
    lw x29, 116(sp)
    lw x30, 120(sp)
    lw x31, 124(sp)
    addi sp, sp, 128
    mret
    .size rvm_trap_entry, . - rvm_trap_entry
