package kvstore.keyspace;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

class MappedDatabasesTest {
    /** Every keyspace call passes through the decorator, so none can reach a database by its index. */
    @Test
    void forwardsEveryKeyspaceMethod() {
        for (Method m : Keyspace.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            assertForwarded(m);
        }
    }

    private static void assertForwarded(Method m) {
        try {
            MappedDatabases.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
        } catch (NoSuchMethodException e) {
            throw new AssertionError("MappedDatabases does not forward Keyspace." + m.getName(), e);
        }
    }
}
