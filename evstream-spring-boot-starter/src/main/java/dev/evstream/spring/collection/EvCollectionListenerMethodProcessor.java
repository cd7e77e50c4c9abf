package dev.evstream.spring.collection;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

import dev.evstream.core.collection.EvCollectionChange;
import dev.evstream.core.collection.EvCollectionTrigger;
import dev.evstream.core.collection.EvCollections;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

/**
 * Registers the {@link EvCollectionListener} methods of the application's singletons as
 * triggers of their collections once every singleton is created, and removes them when
 * the application context closes. Since this bean depends on the {@link EvCollections},
 * the triggers are removed before the collections are closed.
 *
 * @since 0.1.0
 */
public final class EvCollectionListenerMethodProcessor
		implements SmartInitializingSingleton, BeanFactoryAware, DisposableBean {

	private static final Log logger = LogFactory.getLog(EvCollectionListenerMethodProcessor.class);

	private final EvCollections collections;

	private final Disposable.Composite registrations = Disposables.composite();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	/**
	 * Creates the processor.
	 * @param collections the collections whose triggers the methods become
	 */
	EvCollectionListenerMethodProcessor(EvCollections collections) {
		Assert.notNull(collections, "'collections' must not be null");
		this.collections = collections;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory,
				"EvCollectionListenerMethodProcessor requires a ConfigurableListableBeanFactory");
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		Assert.state(beanFactory != null, "No bean factory set");
		for (String name : beanFactory.getBeanNamesForType(Object.class, false, false)) {
			if (ScopedProxyUtils.isScopedTarget(name)) {
				continue;
			}
			Class<?> type = AutoProxyUtils.determineTargetClass(beanFactory, name);
			if (type != null && AnnotationUtils.isCandidateClass(type, EvCollectionListener.class)) {
				register(beanFactory, name, type);
			}
		}
	}

	private void register(ConfigurableListableBeanFactory beanFactory, String name, Class<?> type) {
		Map<Method, EvCollectionListener> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<EvCollectionListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, EvCollectionListener.class));
		if (methods.isEmpty()) {
			return;
		}
		Object bean = beanFactory.getBean(name);
		methods.forEach((method, listener) -> {
			check(method, name);
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			ReflectionUtils.makeAccessible(invocable);
			EvCollectionTrigger<Object> trigger = (change) -> invoke(bean, invocable, change);
			this.registrations.add(this.collections.onChange(listener.stream(), orNull(listener.group()),
					orNull(listener.id()), trigger));
			if (logger.isDebugEnabled()) {
				logger.debug("Registered " + method + " as a trigger of collection '" + listener.stream() + "'");
			}
		});
	}

	private static void check(Method method, String beanName) {
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length != 1 || parameters[0] != EvCollectionChange.class) {
			throw new IllegalStateException("@EvCollectionListener method " + method + " of bean '" + beanName
					+ "' must take exactly one parameter, of type EvCollectionChange");
		}
	}

	private static void invoke(Object bean, Method method, EvCollectionChange<Object> change) throws Exception {
		try {
			method.invoke(bean, change);
		}
		catch (InvocationTargetException ex) {
			// the trigger's own failure, for the log and the count
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	private static @Nullable String orNull(String value) {
		return value.isEmpty() ? null : value;
	}

	@Override
	public void destroy() {
		this.registrations.dispose();
	}

}
