package io.mediagateway.sync.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a {@link KafkaBroker} or a {@link PostgresDatabase} parameter.
 * Each is started on first use and shared by every test of the JVM, then closed when the run ends.
 */
public final class RealServices implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealServices.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaBroker.class || type == PostgresDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        ExtensionContext.Store store = context.getRoot().getStore(NS);
        return store.getOrComputeIfAbsent(type, t -> {
            try {
                return type == KafkaBroker.class ? (Object) KafkaBroker.start() : PostgresDatabase.start();
            } catch (Exception e) {
                throw new ParameterResolutionException("cannot start a " + type.getSimpleName() + " for the tests", e);
            }
        }, Object.class);
    }
}
