package dev.evstream.spring.collection;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.evstream.core.collection.EvCollectionChange;
import dev.evstream.core.collection.EvCollections;

/**
 * Marks a method of a bean as a trigger of a collection: it is called once per change of
 * the collection's items, with the {@link EvCollectionChange} as its only argument, on
 * the instance that made the change and off the event loop. <pre class="code">
 * &#64;EvCollectionListener(stream = "todos")
 * void onTodo(EvCollectionChange&lt;Todo&gt; change) {
 *     // ...
 * }
 * </pre> The method may be registered before the collection is declared. An exception it
 * throws is logged and counted, and never undoes the change. The triggers are registered
 * once every singleton is created (see {@link EvCollections#onChange}) and removed when
 * the application context closes.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EvCollectionListener {

	/**
	 * The name of the collection (its stream).
	 * @return the stream name
	 */
	String stream();

	/**
	 * The group whose changes to receive; empty (the default) for every group.
	 * @return the group name, or empty
	 */
	String group() default "";

	/**
	 * The item whose changes to receive; empty (the default) for every item.
	 * @return the item id, or empty
	 */
	String id() default "";

}
