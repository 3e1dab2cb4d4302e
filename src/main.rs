use std::process::ExitCode;

fn main() -> ExitCode {
    finetune_roi::cli::main()
}
