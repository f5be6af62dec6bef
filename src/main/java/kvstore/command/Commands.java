package kvstore.command;

/** Builds the table of every command kvstore serves. */
public final class Commands {
    private Commands() {
    }

    public static CommandTable create(CommandContext ctx) {
        CommandTable t = new CommandTable();
        new ConnectionCommands(ctx).register(t);
        new StringCommands(ctx).register(t);
        new BitCommands(ctx).register(t);
        new KeyspaceCommands(ctx).register(t);
        new HashCommands(ctx).register(t);
        new SetCommands(ctx).register(t);
        new ZSetCommands(ctx).register(t);
        new ListCommands(ctx).register(t);
        new BlockingZPopCommands(ctx).register(t);
        new ServerCommands(ctx).register(t);
        new TransactionCommands(ctx).register(t);
        new MemoryCommand(ctx).register(t);
        new PubSubCommands(ctx).register(t);
        new ClusterCommands(ctx).register(t);
        return t;
    }
}
