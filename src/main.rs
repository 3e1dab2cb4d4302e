use std::process::ExitCode;

/// Many small allocations (formula text, cells, strings) are made per plan;
/// mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    finetune_roi::cli::main()
}
