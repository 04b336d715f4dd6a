package io.mediagateway.sync.app.cli;

import io.mediagateway.sync.app.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jar's entry point: {@code serve}, {@code demo}, {@code egress}, {@code token}, {@code topics}. */
@Command(name = "media-gateway-sync",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Keeps a user's devices in sync (watchlist, playback progress, preferences, presence) on Kafka Streams.",
        subcommands = {ServeCommand.class, DemoCommand.class, EgressCommand.class, ReplayCommand.class, TokenCommand.class,
                TopicsCommand.class, MirrorCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run '<command> --help' for a command's options; configuration comes from environment variables (see 'serve --help')."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: serve, demo, egress, replay, token or topics");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"media-gateway-sync " + Version.current()};
        }
    }
}
